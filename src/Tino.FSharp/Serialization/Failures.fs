namespace Tino.FSharp.Serialization

open System
open MessagePack
open MessagePack.Formatters
open Tino.Serialization

/// Turns what a nested formatter threw into a located TinoValidationException, on the error path only.
module internal Failures =

    /// The kind of MessagePack value that starts with `code`, as error messages name it.
    let kindOf (code: byte) =
        match code with
        | c when c <= 0x7fuy || c >= 0xe0uy -> "integer"
        | c when c <= 0x8fuy -> "map"
        | c when c <= 0x9fuy -> "array"
        | c when c <= 0xbfuy -> "string"
        | MessagePackCode.Nil -> "nil"
        | MessagePackCode.False
        | MessagePackCode.True -> "bool"
        | MessagePackCode.Bin8
        | MessagePackCode.Bin16
        | MessagePackCode.Bin32 -> "bin"
        | MessagePackCode.Float32 -> "float32"
        | MessagePackCode.Float64 -> "float64"
        | c when c >= MessagePackCode.UInt8 && c <= MessagePackCode.Int64 -> "integer"
        | MessagePackCode.Str8
        | MessagePackCode.Str16
        | MessagePackCode.Str32 -> "string"
        | MessagePackCode.Array16
        | MessagePackCode.Array32 -> "array"
        | MessagePackCode.Map16
        | MessagePackCode.Map32 -> "map"
        | MessagePackCode.NeverUsed -> "invalid type code"
        | _ -> "ext"

    /// The error for a value of type `expected` met with a value of another kind.
    let mismatch (expected: Type) (code: byte) (path: obj list) =
        let name = WireTypeNames.Of expected
        TinoValidationException($"expected {name}, got {kindOf code}", name, path)

    /// Whether an exception is bad input to report, rather than a programming error or lack of memory.
    let private isDecodeFailure (error: exn) =
        match error with
        | :? OutOfMemoryException
        | :? FormatterNotRegisteredException -> false
        | _ -> true

    let rec private innermost (error: exn) =
        match error with
        | :? MessagePackSerializationException when not (isNull error.InnerException) -> innermost (nonNull error.InnerException)
        | _ -> error

    /// `error`, thrown while decoding a `expected` whose first byte was `code`, as a validation error at the top.
    let describe (expected: Type) (code: byte) (error: exn) : exn =
        match error with
        | :? TinoValidationException -> error
        | _ when not (isDecodeFailure error) -> error
        | _ ->
            let name = WireTypeNames.Of expected
            let message =
                match innermost error with
                | :? OverflowException -> $"value out of range for {name}"
                | :? InsufficientExecutionStackException -> "value is nested too deep"
                | :? IO.EndOfStreamException -> "truncated value"
                | :? FormatException -> $"string is not a valid {name}"
                | _ -> $"expected {name}, got {kindOf code}"
            TinoValidationException(message, name, [], error)

    /// `error`, thrown while decoding a `expected` whose first byte was `code`, as a validation error located at `key`.
    let locate (key: obj) (expected: Type) (code: byte) (error: exn) : exn =
        match describe expected code error with
        | :? TinoValidationException as inner ->
            TinoValidationException(inner.Message, inner.ExpectedType, Seq.append [ key ] inner.Path, inner.InnerException)
        | other -> other

    /// A map key as a location: strings and integers as they are, anything else as its text.
    let keyOf (key: objnull) : obj =
        match key with
        | null -> ""
        | :? string as text -> text
        | :? int as n -> n
        | :? int64 as n when n >= int64 Int32.MinValue && n <= int64 Int32.MaxValue -> int n
        | :? int16 as n -> int n
        | :? uint16 as n -> int n
        | :? byte as n -> int n
        | :? sbyte as n -> int n
        | :? uint32 as n when n <= uint32 Int32.MaxValue -> int n
        | other -> string other

    /// Reads one nested value with `formatter`, locating any failure at `key` (an index is boxed only then).
    let read<'T, 'K when 'K: not null> (formatter: IMessagePackFormatter<'T>) (reader: byref<MessagePackReader>) (options: MessagePackSerializerOptions) (key: 'K) : 'T =
        let code = reader.NextCode
        try
            formatter.Deserialize(&reader, options)
        with error ->
            raise (locate (nonNull (box key)) typeof<'T> code error)
