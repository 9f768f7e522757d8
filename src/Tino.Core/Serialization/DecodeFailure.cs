using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// Turns what a formatter threw into a <see cref="TinoValidationException"/> with a short human message.
/// Only ever called on the error path.
/// </summary>
internal static class DecodeFailure
{
    /// <summary>
    /// Whether <paramref name="exception"/> is a decoding failure to report as a validation error. A missing formatter
    /// is a programming error and out of memory is not the caller's fault: those pass through unchanged.
    /// </summary>
    public static bool IsDecodeFailure(Exception exception) =>
        exception is not (OutOfMemoryException or FormatterNotRegisteredException or TinoValidationException);

    /// <summary>
    /// The validation error for a failure while decoding <paramref name="expected"/> from a value whose first byte was
    /// <paramref name="code"/>; a validation error already inside is returned as it is, with its own path and type.
    /// </summary>
    public static TinoValidationException ToValidation(Exception exception, Type expected, byte code)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is TinoValidationException validation)
            {
                return validation;
            }
        }

        var expectedName = WireTypeNames.Of(expected);
        var cause = Innermost(exception);
        var message = cause switch
        {
            OverflowException => $"value out of range for {expectedName}",
            FormatException => $"string is not a valid {expectedName}",
            InsufficientExecutionStackException => "value is nested too deep",
            EndOfStreamException => "truncated value",
            MessagePackSerializationException when IsContainerOf(expectedName, code) => $"invalid element in {expectedName}",
            MessagePackSerializationException when code is >= 0xa0 and <= 0xbf or MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32
                && IsText(expected) => $"string is not a valid {expectedName}",
            MessagePackSerializationException => Mismatch(expectedName, code),
            _ when IsContainerOf(expectedName, code) => $"invalid element in {expectedName}",
            _ => $"invalid value for {expectedName}",
        };
        return new TinoValidationException(message, expectedName, null, exception);
    }

    /// <summary>The error for <paramref name="expected"/> met with a value of another kind.</summary>
    public static TinoValidationException TypeMismatch(Type expected, byte code)
    {
        var expectedName = WireTypeNames.Of(expected);
        return new TinoValidationException(Mismatch(expectedName, code), expectedName);
    }

    /// <summary>The name of the kind of MessagePack value that starts with <paramref name="code"/>.</summary>
    public static string KindOf(byte code) => code switch
    {
        <= 0x7f or >= 0xe0 => "integer",
        <= 0x8f => "map",
        <= 0x9f => "array",
        <= 0xbf => "string",
        MessagePackCode.Nil => "nil",
        MessagePackCode.False or MessagePackCode.True => "bool",
        MessagePackCode.Bin8 or MessagePackCode.Bin16 or MessagePackCode.Bin32 => "bin",
        MessagePackCode.Float32 => "float32",
        MessagePackCode.Float64 => "float64",
        >= MessagePackCode.UInt8 and <= MessagePackCode.Int64 => "integer",
        MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32 => "string",
        MessagePackCode.Array16 or MessagePackCode.Array32 => "array",
        MessagePackCode.Map16 or MessagePackCode.Map32 => "map",
        MessagePackCode.NeverUsed => "invalid type code",
        _ => "ext",
    };

    private static string Mismatch(string expectedName, byte code) => $"expected {expectedName}, got {KindOf(code)}";

    private static Exception Innermost(Exception exception)
    {
        // MessagePack-CSharp wraps the real cause ("Failed to deserialize X value.") in MessagePackSerializationException.
        var current = exception;
        while (current.InnerException is { } inner && current is MessagePackSerializationException)
        {
            current = inner;
        }

        return current;
    }

    /// <summary>Types that travel as strings: a string the formatter refused has the wrong content, not the wrong type.</summary>
    private static bool IsText(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(Guid) || t == typeof(decimal) || t == typeof(char));

    private static bool IsContainerOf(string expectedName, byte code)
    {
        var kind = KindOf(code);
        return (kind == "array" && (expectedName.StartsWith("array<", StringComparison.Ordinal) || expectedName.StartsWith("tuple<", StringComparison.Ordinal)))
            || (kind == "map" && expectedName.StartsWith("map<", StringComparison.Ordinal));
    }
}
