using System.Buffers;

namespace Tino.Protocol;

/// <summary>
/// Inline commands, for <see cref="RespRequestParser"/>: a text line that does not start with '*', split into words
/// (see <see cref="InlineTokenizer"/>).
/// </summary>
internal static class InlineRequestParser
{
    internal static RespStatus TryReadHeader(
        ref SequenceReader<byte> reader,
        RespLimits limits,
        out RespRequestHeader header,
        out RespError error)
    {
        header = default;
        RespStatus status = TryFindInlineLine(in reader, limits.MaxInlineBytes, out ReadOnlySequence<byte> line, out long consumed, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }

        if (consumed > limits.MaxRequestBytes)
        {
            error = RespErrors.BytesPerRequest;
            return RespStatus.Error;
        }

        byte[]? rented = null;
        ReadOnlySpan<byte> text = Contiguous(in line, ref rented);
        int position = 0;
        int words = 0;
        InlineToken name = default;
        InlineTokenizer.Result result;
        while ((result = InlineTokenizer.Next(text, ref position, out InlineToken token)) == InlineTokenizer.Result.Token)
        {
            if (++words == 1)
            {
                name = token;
            }
            else if (words - 1 > limits.MaxArguments)
            {
                break;
            }
        }

        ReadOnlySequence<byte> nameBytes = default;
        if (words > 0 && result != InlineTokenizer.Result.UnbalancedQuotes)
        {
            nameBytes = name.NeedsCopy
                ? new ReadOnlySequence<byte>(CopyToken(text, in name)) // an escaped name: rare enough to allocate
                : line.Slice(name.ContentStart, name.ContentLength);
        }

        ReturnRented(rented);

        if (result == InlineTokenizer.Result.UnbalancedQuotes)
        {
            error = RespErrors.Protocol(RespErrors.UnbalancedQuotes);
            return RespStatus.Error;
        }

        if (words - 1 > limits.MaxArguments)
        {
            error = RespErrors.ArgumentsPerRequest;
            return RespStatus.Error;
        }

        header = words == 0
            ? RespRequestHeader.Empty(isInline: true, consumed)
            : new RespRequestHeader(words - 1, nameBytes, isInline: true, isEmpty: false, consumed, line.Slice(name.End));
        reader.Advance(consumed);
        return RespStatus.Complete;
    }

    /// <summary>Splits the rest of an inline line, already checked by the header, into <paramref name="arguments"/>.</summary>
    internal static RespStatus ReadArguments(in RespRequestHeader header, RespArguments arguments, out RespError error)
    {
        error = default;
        ReadOnlySequence<byte> rest = header.InlineRest;
        if (header.ArgumentCount == 0)
        {
            return RespStatus.Complete;
        }

        byte[]? rented = null;
        ReadOnlySpan<byte> text = Contiguous(in rest, ref rented);
        byte[]? scratch = null;
        int scratchUsed = 0;
        int position = 0;
        InlineTokenizer.Result result;
        while ((result = InlineTokenizer.Next(text, ref position, out InlineToken token)) == InlineTokenizer.Result.Token)
        {
            if (!token.NeedsCopy)
            {
                arguments.Add(rest.Slice(token.ContentStart, token.ContentLength));
                continue;
            }

            // Unescaped bytes never outnumber the line's, so one scratch buffer of the line's length holds them all.
            scratch ??= arguments.GetScratch(text.Length);
            int written = InlineTokenizer.Write(text, in token, scratch.AsSpan(scratchUsed));
            arguments.Add(new ReadOnlySequence<byte>(scratch, scratchUsed, written));
            scratchUsed += written;
        }

        ReturnRented(rented);
        if (result == InlineTokenizer.Result.UnbalancedQuotes)
        {
            // Not reachable with a header from TryReadHeader, which has checked the whole line.
            arguments.Clear();
            error = RespErrors.Protocol(RespErrors.UnbalancedQuotes);
            return RespStatus.Error;
        }

        return RespStatus.Complete;
    }

    /// <summary>
    /// Finds the line at the reader, its terminator ("\n" or "\r\n") excluded. The search never looks further than a
    /// line within the limit could reach, so a line over it is rejected before the rest of it arrives.
    /// </summary>
    private static RespStatus TryFindInlineLine(
        in SequenceReader<byte> reader,
        int maxInlineBytes,
        out ReadOnlySequence<byte> line,
        out long consumed,
        out RespError error)
    {
        line = default;
        consumed = 0;
        error = default;

        // A line of maxInlineBytes may be followed by "\r\n": its LF is at most maxInlineBytes + 1 bytes in.
        long window = Math.Min(reader.Remaining, maxInlineBytes + 2L);
        long lineFeed = IndexOfLineFeed(in reader, window);
        ReadOnlySequence<byte> unread = reader.UnreadSequence;
        if (lineFeed < 0)
        {
            bool mayStillFit = reader.Remaining <= maxInlineBytes
                || (reader.Remaining == maxInlineBytes + 1L && ByteAt(in unread, maxInlineBytes) == '\r');
            if (mayStillFit)
            {
                return RespStatus.Incomplete;
            }

            error = RespErrors.BytesPerInlineRequest;
            return RespStatus.Error;
        }

        long length = lineFeed > 0 && ByteAt(in unread, lineFeed - 1) == '\r' ? lineFeed - 1 : lineFeed;
        if (length > maxInlineBytes)
        {
            error = RespErrors.BytesPerInlineRequest;
            return RespStatus.Error;
        }

        line = unread.Slice(0, length);
        consumed = lineFeed + 1;
        return RespStatus.Complete;
    }

    /// <summary>The offset of the first LF within the first <paramref name="window"/> unread bytes, or -1.</summary>
    private static long IndexOfLineFeed(in SequenceReader<byte> reader, long window)
    {
        // Fast path: the window lies in the current span.
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        if (span.Length >= window)
        {
            return span[..(int)window].IndexOf((byte)'\n');
        }

        long scanned = 0;
        foreach (ReadOnlyMemory<byte> memory in reader.UnreadSequence)
        {
            ReadOnlySpan<byte> segment = memory.Span;
            int take = (int)Math.Min(segment.Length, window - scanned);
            int index = segment[..take].IndexOf((byte)'\n');
            if (index >= 0)
            {
                return scanned + index;
            }

            scanned += take;
            if (scanned == window)
            {
                break;
            }
        }

        return -1;
    }

    private static byte ByteAt(in ReadOnlySequence<byte> sequence, long index) =>
        sequence.IsSingleSegment ? sequence.FirstSpan[(int)index] : sequence.Slice(index, 1).FirstSpan[0];

    /// <summary>The line as one span: itself when in one segment, else a copy into a pooled array (returned later).</summary>
    private static ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> line, ref byte[]? rented)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan;
        }

        rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
        line.CopyTo(rented);
        return rented.AsSpan(0, (int)line.Length);
    }

    private static void ReturnRented(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[] CopyToken(ReadOnlySpan<byte> text, in InlineToken token)
    {
        byte[] bytes = new byte[token.End - token.Start];
        int written = InlineTokenizer.Write(text, in token, bytes);
        Array.Resize(ref bytes, written);
        return bytes;
    }
}
