namespace Tino.FSharp.Serialization

open System
open System.Text
open MessagePack
open MessagePack.Formatters
open Microsoft.FSharp.Reflection
open Tino.Serialization

/// One field of a union case: its wire name and its value's formatter, looked up through the options' resolver.
[<AbstractClass>]
type internal UnionField(name: string, fieldType: Type) =
    let encodedName =
        let buffer = Buffers.ArrayBufferWriter<byte>()
        let mutable writer = MessagePackWriter(buffer)
        writer.Write name
        writer.Flush()
        buffer.WrittenSpan.ToArray()

    member _.Name = name
    member _.Utf8Name: byte[] = Encoding.UTF8.GetBytes name
    member _.EncodedName = encodedName
    member _.Type = fieldType

    /// Whether input may leave it out: an option, a voption or unit, which are then None, ValueNone or ().
    member val IsOptional =
        fieldType = typeof<unit>
        || fieldType.IsGenericType
           && (fieldType.GetGenericTypeDefinition() = typedefof<option<_>> || fieldType.GetGenericTypeDefinition() = typedefof<voption<_>>)

    /// The value an optional field takes when it is left out.
    member this.Missing: objnull = if fieldType.IsValueType then Activator.CreateInstance fieldType else null

    abstract Write: writer: byref<MessagePackWriter> * value: objnull * options: MessagePackSerializerOptions -> unit
    abstract Read: reader: byref<MessagePackReader> * options: MessagePackSerializerOptions -> objnull

type internal UnionField<'F>(name: string) =
    inherit UnionField(name, typeof<'F>)

    override _.Write(writer, value, options) =
        options.Resolver.GetFormatterWithVerify<'F>().Serialize(&writer, unbox<'F> value, options)

    override _.Read(reader, options) =
        box (Failures.read (options.Resolver.GetFormatterWithVerify<'F>()) &reader options name)

/// One case of a union: its fields, and FSharp.Reflection's precomputed reader and constructor.
type internal UnionCase =
    { Tag: int
      Fields: UnionField[]
      ReadFields: objnull -> objnull[]
      Construct: objnull[] -> objnull }

module internal UnionCases =

    let private field (unionType: Type) (property: Reflection.PropertyInfo) =
        let fieldType = typedefof<UnionField<_>>.MakeGenericType property.PropertyType
        nonNull (Activator.CreateInstance(fieldType, WireNamingAttribute.WireNameOf(unionType, property.Name))) :?> UnionField

    /// Every case of `unionType`, in tag order.
    let analyze (unionType: Type) : UnionCase[] =
        FSharpType.GetUnionCases(unionType)
        |> Array.map (fun case ->
            let read = FSharpValue.PreComputeUnionReader case
            let construct = FSharpValue.PreComputeUnionConstructor case
            { Tag = case.Tag
              Fields = case.GetFields() |> Array.map (field unionType)
              ReadFields = fun value -> read (Unchecked.nonNull value) |> Array.map box
              Construct = fun values -> construct (unbox<obj[]> (values :> obj)) })

/// An F# union as `[tag, {field name: value}]`, tag being the case's index in declaration order
/// (MessagePack.FSharpExtensions' string-key form). Cases without fields are `[tag, {}]`. On input the fields may
/// also come as an array in declaration order (the int-key form), or be left out (`[tag]` or `[tag, nil]`) when the
/// case has none; option, voption and unit fields may be left out; unknown field names are skipped.
type internal FSharpUnionFormatter<'T>(cases: UnionCase[], tagOf: objnull -> int) =
    let typeName = WireTypeNames.Of typeof<'T>

    let invalid (message: string) (path: obj list) = TinoValidationException(message, typeName, path)

    let find (case: UnionCase) (key: ReadOnlySpan<byte>) =
        let mutable found = -1
        let mutable i = 0
        while found < 0 && i < case.Fields.Length do
            if key.SequenceEqual(ReadOnlySpan case.Fields[i].Utf8Name) then found <- i
            i <- i + 1
        found

    let readKey (case: UnionCase) (reader: byref<MessagePackReader>) =
        if reader.NextMessagePackType <> MessagePackType.String then
            reader.Skip()
            -1
        else
            let mutable span = ReadOnlySpan<byte>()
            if reader.TryReadStringSpan(&span) then
                find case span
            else
                let mutable bytes = (reader.ReadStringSequence()).GetValueOrDefault()
                find case (ReadOnlySpan(Buffers.BuffersExtensions.ToArray(&bytes)))

    let readMap (case: UnionCase) (values: objnull[]) (reader: byref<MessagePackReader>) (options: MessagePackSerializerOptions) =
        let count = reader.ReadMapHeader()
        options.Security.DepthStep(&reader)
        try
            let seen = Array.zeroCreate<bool> case.Fields.Length
            for _ in 1 .. count do
                match readKey case &reader with
                | -1 -> reader.Skip()
                | index ->
                    let field = case.Fields[index]
                    if seen[index] then
                        raise (TinoValidationException("duplicate field", WireTypeNames.Of field.Type, [ field.Name ]))
                    seen[index] <- true
                    values[index] <- field.Read(&reader, options)
            seen
        finally
            reader.Depth <- reader.Depth - 1

    let readArray (case: UnionCase) (values: objnull[]) (reader: byref<MessagePackReader>) (options: MessagePackSerializerOptions) =
        let count = reader.ReadArrayHeader()
        if count <> case.Fields.Length then
            raise (invalid $"expected {case.Fields.Length} fields for case {case.Tag}, got {count}" [ 1 ])
        options.Security.DepthStep(&reader)
        try
            for index in 0 .. count - 1 do
                values[index] <- case.Fields[index].Read(&reader, options)
            Array.create count true
        finally
            reader.Depth <- reader.Depth - 1

    let readTag (reader: byref<MessagePackReader>) =
        if reader.NextMessagePackType <> MessagePackType.Integer then
            raise (TinoValidationException($"expected an integer case tag, got {Failures.kindOf reader.NextCode}", typeName, [ 0 ]))
        let tag = try reader.ReadInt64() with _ -> -1L
        if tag < 0L || tag >= int64 cases.Length then
            raise (invalid $"unknown case tag {tag} for {typeName}" [ 0 ])
        cases[int tag]

    interface IMessagePackFormatter<'T> with
        member _.Serialize(writer, value, options) =
            let boxed = box value
            let case = cases[tagOf boxed]
            writer.WriteArrayHeader 2
            writer.Write case.Tag
            writer.WriteMapHeader case.Fields.Length
            let values = case.ReadFields boxed
            for i in 0 .. case.Fields.Length - 1 do
                writer.WriteRaw(ReadOnlySpan case.Fields[i].EncodedName)
                case.Fields[i].Write(&writer, values[i], options)

        member _.Deserialize(reader, options) =
            if reader.NextMessagePackType <> MessagePackType.Array then
                raise (Failures.mismatch typeof<'T> reader.NextCode [])
            let length = reader.ReadArrayHeader()
            options.Security.DepthStep(&reader)
            try
                if length < 1 || length > 2 then
                    raise (invalid $"expected [tag, fields], got an array of {length}" [])
                let case = readTag &reader
                let values = Array.zeroCreate<objnull> case.Fields.Length
                let seen =
                    if length = 1 || reader.TryReadNil() then Array.zeroCreate case.Fields.Length
                    else
                        match reader.NextMessagePackType with
                        | MessagePackType.Map -> readMap case values &reader options
                        | MessagePackType.Array -> readArray case values &reader options
                        | _ -> raise (invalid $"expected a map of fields, got {Failures.kindOf reader.NextCode}" [ 1 ])
                for index in 0 .. case.Fields.Length - 1 do
                    if not seen[index] then
                        let field = case.Fields[index]
                        if not field.IsOptional then
                            raise (TinoValidationException("field is required", WireTypeNames.Of field.Type, [ field.Name ]))
                        values[index] <- field.Missing
                unbox<'T> (case.Construct values)
            finally
                reader.Depth <- reader.Depth - 1
