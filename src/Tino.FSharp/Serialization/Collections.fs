namespace Tino.FSharp.Serialization

open MessagePack
open MessagePack.Formatters
open Tino.Serialization

// F# options and collections (PROTOCOL.md 6b). Elements are read through the options' resolver, so anything
// composed in front of or behind this resolver serves them; a bad element is located at its index or key.

/// `option`: nil for None, the value itself for Some. `Some None` is nil too, so it reads back as None.
type internal FSharpOptionFormatter<'T>() =
    let item = ResolvedFormatter<'T>()

    interface IMessagePackFormatter<'T option> with
        member _.Serialize(writer, value, options) =
            match value with
            | Some value -> item.For(options).Serialize(&writer, value, options)
            | None -> writer.WriteNil()

        member _.Deserialize(reader, options) =
            if reader.TryReadNil() then None
            else Some(item.For(options).Deserialize(&reader, options))

/// `voption`: nil for ValueNone, the value itself for ValueSome.
type internal FSharpValueOptionFormatter<'T>() =
    let item = ResolvedFormatter<'T>()

    interface IMessagePackFormatter<'T voption> with
        member _.Serialize(writer, value, options) =
            match value with
            | ValueSome value -> item.For(options).Serialize(&writer, value, options)
            | ValueNone -> writer.WriteNil()

        member _.Deserialize(reader, options) =
            if reader.TryReadNil() then ValueNone
            else ValueSome(item.For(options).Deserialize(&reader, options))

/// Reading MessagePack arrays of elements, shared by `list` and `set`.
module internal Sequences =

    /// Reads the header of an array of elements for a value of type `whole`, and steps one depth in (the caller
    /// steps out in a `finally`); returns the number of elements.
    let enter (whole: System.Type) (reader: byref<MessagePackReader>) (options: MessagePackSerializerOptions) =
        if reader.NextMessagePackType <> MessagePackType.Array then
            raise (Failures.mismatch whole reader.NextCode [])
        let count = reader.ReadArrayHeader()
        options.Security.DepthStep(&reader)
        count

/// `list`: an array. Walked and built cell by cell, without an enumerator or an intermediate array.
type internal FSharpListFormatter<'T>() =
    let items = ResolvedFormatter<'T>()

    interface IMessagePackFormatter<'T list> with
        member _.Serialize(writer, value, options) =
            let formatter = items.For options
            writer.WriteArrayHeader value.Length
            let mutable rest = value
            while not rest.IsEmpty do
                formatter.Serialize(&writer, rest.Head, options)
                rest <- rest.Tail

        member _.Deserialize(reader, options) =
            let formatter = items.For options
            let count = Sequences.enter typeof<'T list> &reader options
            try
                // What F# list expressions compile to: each element appended in place to the last cell.
                let mutable list = Microsoft.FSharp.Core.CompilerServices.ListCollector<'T>()
                for i in 0 .. count - 1 do
                    list.Add(Failures.read formatter &reader options i)
                list.Close()
            finally
                reader.Depth <- reader.Depth - 1

/// `Set`: an array. A balanced tree ordered by comparison, so no hashing and no hash flooding; repeats collapse.
type internal FSharpSetFormatter<'T when 'T: comparison>() =
    let items = ResolvedFormatter<'T>()

    interface IMessagePackFormatter<Set<'T>> with
        member _.Serialize(writer, value, options) =
            let formatter = items.For options
            writer.WriteArrayHeader value.Count
            for item in value do
                formatter.Serialize(&writer, item, options)

        member _.Deserialize(reader, options) =
            let formatter = items.For options
            let count = Sequences.enter typeof<Set<'T>> &reader options
            try
                let mutable set = Set.empty
                for i in 0 .. count - 1 do
                    set <- set.Add(Failures.read formatter &reader options i)
                set
            finally
                reader.Depth <- reader.Depth - 1

/// `Map`: a map. A balanced tree ordered by comparison, so no hashing and no hash flooding; a repeated or nil key
/// is an error, located at the key.
type internal FSharpMapFormatter<'K, 'V when 'K: comparison>() =
    let keys = ResolvedFormatter<'K>()
    let values = ResolvedFormatter<'V>()

    interface IMessagePackFormatter<Map<'K, 'V>> with
        member _.Serialize(writer, value, options) =
            let keys = keys.For options
            let values = values.For options
            writer.WriteMapHeader value.Count
            for KeyValue(key, item) in value do
                keys.Serialize(&writer, key, options)
                values.Serialize(&writer, item, options)

        member _.Deserialize(reader, options) =
            if reader.NextMessagePackType <> MessagePackType.Map then
                raise (Failures.mismatch typeof<Map<'K, 'V>> reader.NextCode [])
            let count = reader.ReadMapHeader()
            let keys = keys.For options
            let values = values.For options
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
