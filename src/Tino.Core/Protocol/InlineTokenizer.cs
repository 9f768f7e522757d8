namespace Tino.Protocol;

/// <summary>
/// Splits an inline command line into arguments the way Redis's <c>sdssplitargs</c> does. Arguments are separated
/// by spaces, tabs and stray CRs (vertical tabs and form feeds are skipped between arguments too). An argument may
/// end in one quoted part: "double quotes" understand <c>\xHH</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\b</c>,
/// <c>\a</c> and a backslash before any other byte; 'single quotes' understand only <c>\'</c>. A closing quote must be
/// followed by a blank or the end of the line, and a quote must close, or the line has unbalanced quotes. One
/// difference from Redis: a NUL byte is an ordinary byte here, where Redis's C string handling stops at it.
/// <para>
/// An argument that is all plain bytes, or one quoted part without escapes, is a slice of the line and costs no
/// copy. Only one with escapes, or plain bytes joined to a quoted part (<c>ab"cd"</c> is <c>abcd</c>), needs its
/// bytes written out by <see cref="Write"/>.
/// </para>
/// </summary>
internal static class InlineTokenizer
{
    internal enum Result : byte
    {
        End,
        Token,
        UnbalancedQuotes,
    }

    /// <summary>
    /// Finds the next argument at or after <paramref name="position"/> and moves past it. On
    /// <see cref="Result.Token"/>, <paramref name="token"/> tells where it is and whether it must be copied.
    /// </summary>
    internal static Result Next(ReadOnlySpan<byte> line, ref int position, out InlineToken token)
    {
        int start = position;
        while (start < line.Length && IsBlank(line[start]))
        {
            start++;
        }

        position = start;
        if (start == line.Length)
        {
            token = default;
            return Result.End;
        }

        Result result = Scan(line, start, Span<byte>.Empty, out token, out _);
        position = token.End;
        return result;
    }

    /// <summary>Writes the bytes of a token that needs a copy into <paramref name="output"/> (at least as long as the token) and returns their count.</summary>
    internal static int Write(ReadOnlySpan<byte> line, in InlineToken token, Span<byte> output)
    {
        Scan(line, token.Start, output, out _, out int written);
        return written;
    }

    /// <summary>Scans the token at <paramref name="start"/>; when <paramref name="output"/> is not empty, also writes its bytes there.</summary>
    private static Result Scan(ReadOnlySpan<byte> line, int start, Span<byte> output, out InlineToken token, out int written)
    {
        bool emit = !output.IsEmpty;
        written = 0;
        int i = start;
        while (i < line.Length && !EndsPlainText(line[i]) && line[i] != '"' && line[i] != '\'')
        {
            if (emit)
            {
                output[written++] = line[i];
            }

            i++;
        }

        if (i == line.Length || EndsPlainText(line[i]))
        {
            token = new InlineToken(start, i, start, i - start, NeedsCopy: false);
            return Result.Token;
        }

        byte quote = line[i];
        bool needsCopy = i != start;
        int contentStart = ++i;
        while (true)
        {
            if (i == line.Length)
            {
                token = new InlineToken(start, i, 0, 0, NeedsCopy: false);
                return Result.UnbalancedQuotes;
            }

            byte b = line[i];
            if (b == quote)
            {
                break;
            }

            int escapeLength = EscapeLength(line, i, quote);
            if (escapeLength > 0)
            {
                needsCopy = true;
                b = Unescape(line.Slice(i, escapeLength));
            }

            if (emit)
            {
                output[written++] = b;
            }

            i += Math.Max(escapeLength, 1);
        }

        int contentLength = i - contentStart;
        i++;
        token = new InlineToken(start, i, contentStart, contentLength, needsCopy);
        return i < line.Length && !IsBlank(line[i]) ? Result.UnbalancedQuotes : Result.Token;
    }

    /// <summary>The length of the escape sequence at <paramref name="index"/> inside the given quotes, or 0 for a plain byte.</summary>
    private static int EscapeLength(ReadOnlySpan<byte> line, int index, byte quote)
    {
        if (line[index] != '\\' || index + 1 == line.Length)
        {
            return 0;
        }

        byte next = line[index + 1];
        if (quote == '\'')
        {
            return next == '\'' ? 2 : 0;
        }

        bool hex = next == 'x' && index + 3 < line.Length && IsHexDigit(line[index + 2]) && IsHexDigit(line[index + 3]);
        return hex ? 4 : 2;
    }

    private static byte Unescape(ReadOnlySpan<byte> escape) => escape.Length == 4
        ? (byte)((HexValue(escape[2]) << 4) | HexValue(escape[3]))
        : escape[1] switch
        {
            (byte)'n' => (byte)'\n',
            (byte)'r' => (byte)'\r',
            (byte)'t' => (byte)'\t',
            (byte)'b' => (byte)'\b',
            (byte)'a' => (byte)'\a',
            var other => other,
        };

    /// <summary>Bytes skipped between arguments: C's isspace.</summary>
    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\v' or (byte)'\f';

    /// <summary>Bytes that end an unquoted argument.</summary>
    private static bool EndsPlainText(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsHexDigit(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
