using System.Buffers;
using System.Buffers.Text;
using System.Text.Unicode;

namespace Tino.Protocol;

/// <summary>
/// Writes RESP2 frames straight into an <see cref="IBufferWriter{T}"/>, allocating nothing. Each header is written
/// into one span asked for with the size budget given beside it.
/// </summary>
public static class RespWriter
{
    /// <summary>The most bytes of caller text an error line carries: a detail, or a whole raw line (PROTOCOL.md section 3).</summary>
    internal const int MaxErrorTextBytes = 128;

    /// <summary>
    /// The most bytes of a handler's quoted message: 128 bytes of text, each byte at worst a six-byte JSON escape, and
    /// the quotes. Its text was cut before it was quoted; the line must not cut the quoted form again.
    /// </summary>
    internal const int MaxQuotedMessageBytes = 6 * MaxErrorTextBytes + 2;

    // '*' or '$', at most 11 characters of int ("-2147483648"), CRLF.
    private const int LengthHeaderBudget = 1 + 11 + 2;

    // ':', at most 20 characters of long ("-9223372036854775808"), CRLF.
    private const int IntegerBudget = 1 + 20 + 2;

    /// <summary>Writes a simple string, <c>+value\r\n</c>; a CR or LF in the value becomes a space so the line stays one line.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="value">The text, usually ASCII such as <c>PONG</c>.</param>
    public static void WriteSimpleString(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // '+', the value, CRLF.
        Span<byte> span = writer.GetSpan(value.Length + 3);
        span[0] = (byte)'+';
        Span<byte> text = span.Slice(1, value.Length);
        value.CopyTo(text);
        ReplaceLineBreaks(text);
        "\r\n"u8.CopyTo(span[(1 + value.Length)..]);
        writer.Advance(value.Length + 3);
    }

    /// <summary>Writes the simple string <c>+OK\r\n</c>.</summary>
    /// <param name="writer">The destination.</param>
    public static void WriteOk(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("+OK\r\n"u8);
    }

    /// <summary>
    /// Writes an error, <c>-CODE detail\r\n</c>, or <c>-CODE\r\n</c> when the detail is empty. The detail is encoded
    /// as UTF-8 (invalid UTF-16 becomes U+FFFD), cut to 128 bytes without splitting a character, and any CR or LF in
    /// the code or detail becomes a space.
    /// </summary>
    /// <param name="writer">The destination.</param>
    /// <param name="code">The error code, such as <c>INVALID_COMMAND</c>.</param>
    /// <param name="detail">The text after the code; may be empty.</param>
    public static void WriteError(IBufferWriter<byte> writer, ReadOnlySpan<byte> code, ReadOnlySpan<char> detail) =>
        WriteError(writer, code, detail, MaxErrorTextBytes, default);

    /// <summary>Writes an error whose code is one of <see cref="ErrorCodes"/> (or <c>ERR</c>): ASCII, under 32 characters.</summary>
    internal static void WriteError(IBufferWriter<byte> writer, string code, ReadOnlySpan<char> detail)
    {
        Span<byte> codeBytes = stackalloc byte[32];
        int length = System.Text.Encoding.ASCII.GetBytes(code, codeBytes);
        WriteError(writer, codeBytes[..length], detail, MaxErrorTextBytes, default);
    }

    /// <summary>
    /// Writes an error whose detail is at most <paramref name="maxDetailBytes"/> (128, or a handler's message quoted after
    /// its text was cut: <see cref="MaxQuotedMessageBytes"/>), followed by a value when there is one:
    /// <c>-CODE detail "base64"\r\n</c>, the value's bytes in base64 (standard alphabet, padded) as a JSON string. The
    /// value is never cut (its writer bounds it), and base64 holds no CR, LF or quote.
    /// </summary>
    internal static void WriteError(IBufferWriter<byte> writer, ReadOnlySpan<byte> code, ReadOnlySpan<char> detail, int maxDetailBytes, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int encoded = value.IsEmpty ? 0 : Base64.GetMaxEncodedToUtf8Length(value.Length);

        // '-', the code, a space, at most maxDetailBytes of detail, then ' "', the base64 and '"' when there is a value, CRLF.
        Span<byte> span = writer.GetSpan(1 + code.Length + 1 + maxDetailBytes + (encoded > 0 ? encoded + 3 : 0) + 2);
        span[0] = (byte)'-';
        code.CopyTo(span[1..]);
        int length = 1 + code.Length;
        if (!detail.IsEmpty)
        {
            span[length++] = (byte)' ';

            // Stops before a character that does not fit whole, so the cut never splits a UTF-8 sequence.
            Utf8.FromUtf16(detail, span.Slice(length, maxDetailBytes), out _, out int written, replaceInvalidSequences: true);
            length += written;
        }
        ReplaceLineBreaks(span[1..length]);
        if (encoded > 0)
        {
            span[length++] = (byte)' ';
            span[length++] = (byte)'"';
            Base64.EncodeToUtf8(value, span[length..], out _, out int written);
            length += written;
            span[length++] = (byte)'"';
        }
        "\r\n"u8.CopyTo(span[length..]);
        writer.Advance(length + 2);
    }

    /// <summary>
    /// Writes a fixed error line, <c>-line\r\n</c>, such as <c>ERR wrong number of arguments for 'echo' command</c>.
    /// The line is cut to 128 bytes without splitting a UTF-8 sequence, and any CR or LF in it becomes a space.
    /// </summary>
    /// <param name="writer">The destination.</param>
    /// <param name="line">The error line without the leading dash or the CRLF.</param>
    public static void WriteRawError(IBufferWriter<byte> writer, ReadOnlySpan<byte> line)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ReadOnlySpan<byte> text = line[..Utf8CutLength(line, MaxErrorTextBytes)];

        // '-', at most 128 bytes of line, CRLF.
        Span<byte> span = writer.GetSpan(text.Length + 3);
        span[0] = (byte)'-';
        text.CopyTo(span[1..]);
        ReplaceLineBreaks(span.Slice(1, text.Length));
        "\r\n"u8.CopyTo(span[(1 + text.Length)..]);
        writer.Advance(text.Length + 3);
    }

    /// <summary>Writes an integer, <c>:value\r\n</c>.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="value">The value.</param>
    public static void WriteInteger(IBufferWriter<byte> writer, long value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(IntegerBudget);
        span[0] = (byte)':';
        Utf8Formatter.TryFormat(value, span[1..], out int digits);
        "\r\n"u8.CopyTo(span[(1 + digits)..]);
        writer.Advance(digits + 3);
    }

    /// <summary>Writes a bulk string, <c>$length\r\nvalue\r\n</c>.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="value">The bytes, any bytes at all.</param>
    public static void WriteBulkString(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan();
        if (span.Length >= LengthHeaderBudget + value.Length + 2)
        {
            // The whole frame fits the span the writer has at hand: one Advance.
            int header = FormatHeader(span, (byte)'$', value.Length);
            value.CopyTo(span[header..]);
            "\r\n"u8.CopyTo(span[(header + value.Length)..]);
            writer.Advance(header + value.Length + 2);
            return;
        }

        WriteBulkStringHeader(writer, value.Length);
        writer.Write(value);
        writer.Write("\r\n"u8);
    }

    /// <summary>Writes a bulk string, <c>$length\r\nvalue\r\n</c>, from a sequence such as a request argument.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="value">The bytes; at most <see cref="int.MaxValue"/> of them.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is longer than <see cref="int.MaxValue"/> bytes.</exception>
    public static void WriteBulkString(IBufferWriter<byte> writer, in ReadOnlySequence<byte> value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.IsSingleSegment)
        {
            WriteBulkString(writer, value.FirstSpan);
            return;
        }

        if (value.Length > int.MaxValue)
        {
            ProtocolThrowHelper.ThrowArgumentOutOfRange(nameof(value), "A bulk string holds at most int.MaxValue bytes.");
        }

        WriteBulkStringHeader(writer, (int)value.Length);
        foreach (ReadOnlyMemory<byte> segment in value)
        {
            writer.Write(segment.Span);
        }

        writer.Write("\r\n"u8);
    }

    /// <summary>Writes the null bulk string, <c>$-1\r\n</c>.</summary>
    /// <param name="writer">The destination.</param>
    public static void WriteNullBulkString(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("$-1\r\n"u8);
    }

    /// <summary>Writes an array header, <c>*count\r\n</c>; the caller then writes <paramref name="count"/> elements.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="count">The number of elements, or -1 for the null array.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than -1.</exception>
    public static void WriteArrayHeader(IBufferWriter<byte> writer, int count)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (count < -1)
        {
            ProtocolThrowHelper.ThrowArgumentOutOfRange(nameof(count), "An array has zero or more elements, or is null (-1).");
        }

        writer.Advance(FormatHeader(writer.GetSpan(LengthHeaderBudget), (byte)'*', count));
    }

    /// <summary>
    /// Writes a bulk string header, <c>$length\r\n</c>; the caller then writes exactly <paramref name="length"/> bytes
    /// and <see cref="WriteCrlf"/>. This lets a reply be encoded straight into the output once its size is known.
    /// </summary>
    /// <param name="writer">The destination.</param>
    /// <param name="length">The number of bytes that will follow.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static void WriteBulkStringHeader(IBufferWriter<byte> writer, int length)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (length < 0)
        {
            ProtocolThrowHelper.ThrowArgumentOutOfRange(nameof(length), "A bulk string length is zero or more.");
        }

        writer.Advance(FormatHeader(writer.GetSpan(LengthHeaderBudget), (byte)'$', length));
    }

    /// <summary>Writes <c>\r\n</c>, the end of a bulk string whose header and bytes were written separately.</summary>
    /// <param name="writer">The destination.</param>
    public static void WriteCrlf(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("\r\n"u8);
    }

    /// <summary>Formats "{prefix}{value}\r\n" into a span of at least <see cref="LengthHeaderBudget"/> bytes.</summary>
    private static int FormatHeader(Span<byte> span, byte prefix, int value)
    {
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out int digits);
        "\r\n"u8.CopyTo(span[(1 + digits)..]);
        return digits + 3;
    }

    /// <summary>How many bytes of <paramref name="text"/> fit in <paramref name="max"/> without splitting a UTF-8 sequence.</summary>
    private static int Utf8CutLength(ReadOnlySpan<byte> text, int max)
    {
        if (text.Length <= max)
        {
            return text.Length;
        }

        // A continuation byte (10xxxxxx) at the cut belongs to a sequence that started before it: cut before that
        // sequence's lead byte, at most three bytes back (further back, the text is not UTF-8: cut where asked).
        int cut = max;
        while (cut > max - 3 && cut > 0 && (text[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return (text[cut] & 0xC0) == 0x80 ? max : cut;
    }

    private static void ReplaceLineBreaks(Span<byte> text)
    {
        text.Replace((byte)'\r', (byte)' ');
        text.Replace((byte)'\n', (byte)' ');
    }
}
