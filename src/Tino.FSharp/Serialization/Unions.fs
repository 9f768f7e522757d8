namespace Tino.FSharp.Serialization

open System
open System.Linq.Expressions
open System.Text
open MessagePack
open MessagePack.Formatters
open Microsoft.FSharp.Reflection
open Tino.Serialization

/// One field of a union case of `'U`: its wire name, and how to write it from the union's value and read it back.
[<AbstractClass>]
type internal UnionField<'U>(name: string, fieldType: Type) =
    let encodedName =
        let buffer = Buffers.ArrayBufferWriter<byte>()
        let mutable writer = MessagePackWriter(buffer)
        writer.Write name
        writer.Flush()
        buffer.WrittenSpan.ToArray()

    member _.Name = name
    member val Utf8Name: byte[] = Encoding.UTF8.GetBytes name
    member _.EncodedName = encodedName
    member _.Type = fieldType

    /// Whether input may leave it out: an option, a voption or unit, which are then None, ValueNone or ().
    member val IsOptional =
        fieldType = typeof<unit>
        || fieldType.IsGenericType
           && (fieldType.GetGenericTypeDefinition() = typedefof<option<_>> || fieldType.GetGenericTypeDefinition() = typedefof<voption<_>>)

    /// The value an optional field takes when it is left out.
    member val Missing: objnull = if fieldType.IsValueType then Activator.CreateInstance fieldType else null

    /// Writes the field's value (not its key) from `union`, which is of this field's case.
    abstract Write: writer: byref<MessagePackWriter> * union: 'U * options: MessagePackSerializerOptions -> unit
    abstract Read: reader: byref<MessagePackReader> * options: MessagePackSerializerOptions -> objnull

/// A field of type `'F`, read from the union's value by a compiled getter, without boxing.
type internal UnionFieldOf<'U, 'F>(name: string, get: Func<'U, 'F>) =
    inherit UnionField<'U>(name, typeof<'F>)
    let formatter = ResolvedFormatter<'F>()

    override _.Write(writer, union, options) =
        formatter.For(options).Serialize(&writer, get.Invoke union, options)

    override _.Read(reader, options) =
        box (Failures.read (formatter.For options) &reader options name)

/// One case of a union: its fields, and FSharp.Reflection's precomputed constructor.
type internal UnionCase<'U> =
    { Tag: int
      Fields: UnionField<'U>[]
      Construct: objnull[] -> 'U }

module internal UnionCases =

    /// The field's getter as a delegate from the union's type, compiled once: the union's value cast to the
    /// case's class (for a reference union of several cases), then the property read.
    let private getter (unionType: Type) (property: Reflection.PropertyInfo) =
        let union = Expression.Parameter(unionType, "union")
        let declaring = nonNull property.DeclaringType
        let instance = if declaring = unionType then union :> Expression else Expression.Convert(union, declaring)
        let delegateType = typedefof<Func<_, _>>.MakeGenericType(unionType, property.PropertyType)
        Expression.Lambda(delegateType, Expression.Property(instance, property), [ union ]).Compile()

    let private field<'U> (property: Reflection.PropertyInfo) =
        let fieldType = typedefof<UnionFieldOf<_, _>>.MakeGenericType(typeof<'U>, property.PropertyType)
        let name = WireNamingAttribute.WireNameOf(typeof<'U>, property.Name)
        nonNull (Activator.CreateInstance(fieldType, name, getter typeof<'U> property)) :?> UnionField<'U>

    /// Every case of `'U`, in tag order.
    let analyze<'U> () : UnionCase<'U>[] =
        FSharpType.GetUnionCases(typeof<'U>)
        |> Array.map (fun case ->
            let construct = FSharpValue.PreComputeUnionConstructor case
            { Tag = case.Tag
              Fields = case.GetFields() |> Array.map field<'U>
              Construct = fun values -> unbox<'U> (construct (unbox<obj[]> (values :> obj))) })

/// An F# union as `[tag, {field name: value}]`, tag being the case's index in declaration order
/// (MessagePack.FSharpExtensions' string-key form). Cases without fields are `[tag, {}]`. On input the fields may
/// also come as an array in declaration order (the int-key form), or be left out (`[tag]` or `[tag, nil]`) when the
/// case has none; option, voption and unit fields may be left out; unknown field names are skipped.
type internal FSharpUnionFormatter<'T>(cases: UnionCase<'T>[], tagOf: objnull -> int) =
    let typeName = WireTypeNames.Of typeof<'T>

    /// Marks a field not read yet: no formatter returns this object.
    let unread = obj ()

    let invalid (message: string) (path: obj list) = TinoValidationException(message, typeName, path)

    let find (case: UnionCase<'T>) (key: ReadOnlySpan<byte>) =
        let mutable found = -1
        let mutable i = 0
        while found < 0 && i < case.Fields.Length do
            if key.SequenceEqual(ReadOnlySpan case.Fields[i].Utf8Name) then found <- i
            i <- i + 1
        found

    let readKey (case: UnionCase<'T>) (reader: byref<MessagePackReader>) =
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

    let readMap (case: UnionCase<'T>) (values: objnull[]) (reader: byref<MessagePackReader>) (options: MessagePackSerializerOptions) =
        let count = reader.ReadMapHeader()
        options.Security.DepthStep(&reader)
        try
            for _ in 1 .. count do
                match readKey case &reader with
                | -1 -> reader.Skip()
                | index ->
                    let field = case.Fields[index]
                    if not (obj.ReferenceEquals(values[index], unread)) then
                        raise (TinoValidationException("duplicate field", WireTypeNames.Of field.Type, [ field.Name ]))
                    values[index] <- field.Read(&reader, options)
        finally
            reader.Depth <- reader.Depth - 1

    let readArray (case: UnionCase<'T>) (values: objnull[]) (reader: byref<MessagePackReader>) (options: MessagePackSerializerOptions) =
        let count = reader.ReadArrayHeader()
        if count <> case.Fields.Length then
            raise (invalid $"expected {case.Fields.Length} fields for case {case.Tag}, got {count}" [ 1 ])
        options.Security.DepthStep(&reader)
        try
            for index in 0 .. count - 1 do
                values[index] <- case.Fields[index].Read(&reader, options)
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
            let case = cases[tagOf (box value)]
            writer.WriteArrayHeader 2
            writer.Write case.Tag
            writer.WriteMapHeader case.Fields.Length
            for field in case.Fields do
                writer.WriteRaw(ReadOnlySpan field.EncodedName)
                field.Write(&writer, value, options)

        member _.Deserialize(reader, options) =
            if reader.NextMessagePackType <> MessagePackType.Array then
                raise (Failures.mismatch typeof<'T> reader.NextCode [])
            let length = reader.ReadArrayHeader()
            options.Security.DepthStep(&reader)
            try
                if length < 1 || length > 2 then
                    raise (invalid $"expected [tag, fields], got an array of {length}" [])
                let case = readTag &reader
                let values = if case.Fields.Length = 0 then Array.Empty() else Array.create<objnull> case.Fields.Length unread
                if length = 2 && not (reader.TryReadNil()) then
                    match reader.NextMessagePackType with
                    | MessagePackType.Map -> readMap case values &reader options
                    | MessagePackType.Array -> readArray case values &reader options
                    | _ -> raise (invalid $"expected a map of fields, got {Failures.kindOf reader.NextCode}" [ 1 ])
                for index in 0 .. values.Length - 1 do
                    if obj.ReferenceEquals(values[index], unread) then
                        let field = case.Fields[index]
                        if not field.IsOptional then
                            raise (TinoValidationException("field is required", WireTypeNames.Of field.Type, [ field.Name ]))
                        values[index] <- field.Missing
                case.Construct values
            finally
                reader.Depth <- reader.Depth - 1
