using System.Buffers;
using System.Globalization;
using System.Text.Unicode;
using MessagePack;

namespace Tino.Serialization;

/// <summary>Reads the ISO-8601 timestamps accepted on input in place of the MessagePack timestamp extension.</summary>
internal static class Iso8601
{
    /// <summary>Longer strings cannot be a timestamp (<c>2024-01-02T03:04:05.1234567+02:00</c> is 33 characters).</summary>
    private const int MaxLength = 40;

    // A date, or a date and a time to the minute, second or 100 ns, with 'T' or a space (RFC 3339) between them and
    // an optional 'Z' or offset; no offset means UTC.
    private static readonly string[] s_formats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd' 'HH:mmK",
        "yyyy-MM-dd' 'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>Reads the string at the reader as a timestamp; throws a validation error if it is not one.</summary>
    public static DateTimeOffset Read(ref MessagePackReader reader, Type expected)
    {
        if (reader.TryReadStringSpan(out var utf8))
        {
            return Parse(utf8, expected);
        }

        var sequence = reader.ReadStringSequence()!.Value;
        if (sequence.Length > MaxLength)
        {
            throw NotIso(expected);
        }

        Span<byte> copy = stackalloc byte[MaxLength];
        sequence.CopyTo(copy);
        return Parse(copy[..(int)sequence.Length], expected);
    }

    private static DateTimeOffset Parse(ReadOnlySpan<byte> utf8, Type expected)
    {
        Span<char> chars = stackalloc char[MaxLength];
        if (utf8.Length > MaxLength
            || Utf8.ToUtf16(utf8, chars, out _, out var written) != OperationStatus.Done
            || !DateTimeOffset.TryParseExact(chars[..written], s_formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            throw NotIso(expected);
        }

        return value;
    }

    private static TinoValidationException NotIso(Type expected) =>
        new("string is not an ISO-8601 timestamp", WireTypeNames.Of(expected));
}
