namespace Tino.FSharp.Serialization

open MessagePack
open MessagePack.Formatters
open Tino.Serialization

// F# options and collections (PROTOCOL.md 6b). Elements are read through the options' resolver, so anything
// composed in front of or behind this resolver serves them; a bad element is located at its index or key.

/// `option`: nil for None, the value itself for Some. `Some None` is nil too, so it reads back as None.
type internal FSharpOptionFormatter<'T>() =
    interface IMessagePackFormatter<'T option> with
        member _.Serialize(writer, value, options) =
            match value with
            | Some item -> options.Resolver.GetFormatterWithVerify<'T>().Serialize(&writer, item, options)
            | None -> writer.WriteNil()

        member _.Deserialize(reader, options) =
            if reader.TryReadNil() then None
            else Some(options.Resolver.GetFormatterWithVerify<'T>().Deserialize(&reader, options))

/// `voption`: nil for ValueNone, the value itself for ValueSome.
type internal FSharpValueOptionFormatter<'T>() =
    interface IMessagePackFormatter<'T voption> with
        member _.Serialize(writer, value, options) =
            match value with
            | ValueSome item -> options.Resolver.GetFormatterWithVerify<'T>().Serialize(&writer, item, options)
            | ValueNone -> writer.WriteNil()

        member _.Deserialize(reader, options) =
            if reader.TryReadNil() then ValueNone
            else ValueSome(options.Resolver.GetFormatterWithVerify<'T>().Deserialize(&reader, options))

/// Reading and writing MessagePack arrays of elements, shared by `list` and `set`.
module internal Sequences =

    let write<'T> (writer: byref<MessagePackWriter>) (count: int) (items: seq<'T>) (options: MessagePackSerializerOptions) =
        let formatter = options.Resolver.GetFormatterWithVerify<'T>()
        writer.WriteArrayHeader count
        for item in items do
            formatter.Serialize(&writer, item, options)

    /// Reads an array of `'T` as the value of type `whole`, one depth step in.
    let read<'T> (whole: System.Type) (reader: byref<MessagePackReader>) (options: MessagePackSerializerOptions) : 'T[] =
        if reader.NextMessagePackType <> MessagePackType.Array then
            raise (Failures.mismatch whole reader.NextCode [])
        let count = reader.ReadArrayHeader()
        let formatter = options.Resolver.GetFormatterWithVerify<'T>()
        options.Security.DepthStep(&reader)
        try
            let items = Array.zeroCreate count
            for i in 0 .. count - 1 do
                items[i] <- Failures.read formatter &reader options i
            items
        finally
            reader.Depth <- reader.Depth - 1

/// `list`: an array.
type internal FSharpListFormatter<'T>() =
    interface IMessagePackFormatter<'T list> with
        member _.Serialize(writer, value, options) = Sequences.write &writer value.Length value options
        member _.Deserialize(reader, options) = List.ofArray (Sequences.read<'T> typeof<'T list> &reader options)

/// `Set`: an array. A balanced tree ordered by comparison, so no hashing and no hash flooding; repeats collapse.
type internal FSharpSetFormatter<'T when 'T: comparison>() =
    interface IMessagePackFormatter<Set<'T>> with
        member _.Serialize(writer, value, options) = Sequences.write &writer value.Count value options
        member _.Deserialize(reader, options) = Set.ofArray (Sequences.read<'T> typeof<Set<'T>> &reader options)

/// `Map`: a map. A balanced tree ordered by comparison, so no hashing and no hash flooding; a repeated or nil key
/// is an error, located at the key.
type internal FSharpMapFormatter<'K, 'V when 'K: comparison>() =
    interface IMessagePackFormatter<Map<'K, 'V>> with
        member _.Serialize(writer, value, options) =
            let keys = options.Resolver.GetFormatterWithVerify<'K>()
            let values = options.Resolver.GetFormatterWithVerify<'V>()
            writer.WriteMapHeader value.Count
            for KeyValue(key, item) in value do
                keys.Serialize(&writer, key, options)
                values.Serialize(&writer, item, options)

        member _.Deserialize(reader, options) =
            if reader.NextMessagePackType <> MessagePackType.Map then
                raise (Failures.mismatch typeof<Map<'K, 'V>> reader.NextCode [])
            let count = reader.ReadMapHeader()
            let keys = options.Resolver.GetFormatterWithVerify<'K>()
            let values = options.Resolver.GetFormatterWithVerify<'V>()
            options.Security.DepthStep(&reader)
            try
                let mutable map = Map.empty
                for _ in 1 .. count do
                    let code = reader.NextCode
                    let key =
                        try keys.Deserialize(&reader, options)
                        with error -> raise (Failures.describe typeof<'K> code error)
                    if isNull (box key) then
                        raise (TinoValidationException("nil is not allowed as a map key", WireTypeNames.Of typeof<'K>))
                    let location = Failures.keyOf (box key)
                    let item = Failures.read values &reader options location
                    if map.ContainsKey key then
                        raise (TinoValidationException("duplicate key", WireTypeNames.Of typeof<'V>, [ location ]))
                    map <- map.Add(key, item)
                map
            finally
                reader.Depth <- reader.Depth - 1
