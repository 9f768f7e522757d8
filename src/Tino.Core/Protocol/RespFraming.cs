using System.Buffers;

namespace Tino.Protocol;

/// <summary>
/// The pieces every RESP frame is made of: a number line, bulk data with its CRLF, a simple line. Each decides at the
/// first byte that no valid frame could contain, works on the reader's current span and moves to the next segment
/// only when that span runs out, and returns <see cref="RespStatus.Incomplete"/> when the bytes end first (the caller
/// owns the reader copy and discards it then).
/// </summary>
internal static class RespFraming
{
    /// <summary>Nineteen digits always fit a <see cref="ulong"/> (10^19 - 1 &lt; 2^64); a longer number is never valid.</summary>
    private const int MaxDigits = 19;

    private enum NumberState : byte
    {
        Start,
        AfterMinus,
        Digits,
        Zero,
        CarriageReturn,
    }

    /// <summary>
    /// Reads "[-]digits\r\n", the reader positioned after the type byte. Leading zeros, "-0", an empty number and
    /// more than nineteen digits are errors; a minus sign is one too unless <paramref name="allowNegative"/>.
    /// </summary>
    internal static RespStatus TryReadNumber(
        ref SequenceReader<byte> reader,
        bool allowNegative,
        string invalidMessage,
        out bool negative,
        out ulong magnitude,
        out RespError error)
    {
        negative = false;
        magnitude = 0;
        error = default;
        NumberState state = NumberState.Start;
        int digits = 0;
        while (true)
        {
            ReadOnlySpan<byte> span = reader.UnreadSpan;
            if (span.IsEmpty)
            {
                return RespStatus.Incomplete;
            }

            for (int i = 0; i < span.Length; i++)
            {
                byte b = span[i];
                uint digit = (uint)(b - '0');
                bool accepted;
                switch (state)
                {
                    case NumberState.Start when digit == 0:
                        state = NumberState.Zero;
                        accepted = true;
                        break;
                    case NumberState.Start when b == '-' && allowNegative:
                        negative = true;
                        state = NumberState.AfterMinus;
                        accepted = true;
                        break;
                    case NumberState.Start or NumberState.AfterMinus when digit is >= 1 and <= 9:
                        magnitude = digit;
                        digits = 1;
                        state = NumberState.Digits;
                        accepted = true;
                        break;
                    case NumberState.Digits when digit <= 9:
                        accepted = ++digits <= MaxDigits;
                        magnitude = (magnitude * 10) + digit;
                        break;
                    case NumberState.Digits or NumberState.Zero when b == '\r':
                        state = NumberState.CarriageReturn;
                        accepted = true;
                        break;
                    case NumberState.CarriageReturn when b == '\n':
                        reader.Advance(i + 1);
                        return RespStatus.Complete;
                    case NumberState.CarriageReturn:
                        error = RespErrors.Protocol(RespErrors.ExpectedLineFeed);
                        return RespStatus.Error;
                    default:
                        accepted = false;
                        break;
                }

                if (!accepted)
                {
                    error = RespErrors.Protocol(b == '\n' ? RespErrors.BareLineFeed : invalidMessage);
                    return RespStatus.Error;
                }
            }

            reader.Advance(span.Length);
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes of bulk data and the CRLF after them, without copying the data.</summary>
    internal static RespStatus TryReadBulkData(
        ref SequenceReader<byte> reader,
        int length,
        out ReadOnlySequence<byte> data,
        out RespError error)
    {
        error = default;

        // Fast path: data and CRLF in the current span (always so for a whole request in one segment).
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        if ((uint)span.Length >= (uint)length + 2)
        {
            if (span[length] != '\r' || span[length + 1] != '\n')
            {
                data = default;
                error = RespErrors.Protocol(RespErrors.ExpectedCrlfAfterBulk);
                return RespStatus.Error;
            }

            data = reader.Sequence.Slice(reader.Position, length);
            reader.Advance(length + 2);
            return RespStatus.Complete;
        }

        if (reader.Remaining < length)
        {
            data = default;
            return RespStatus.Incomplete;
        }

        data = reader.Sequence.Slice(reader.Position, length);
        reader.Advance(length);
        return TryReadCrlf(ref reader, RespErrors.ExpectedCrlfAfterBulk, out error);
    }

    /// <summary>Reads a line up to CRLF (a simple string or error), the reader positioned after the type byte.</summary>
    internal static RespStatus TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> content, out RespError error)
    {
        content = default;
        error = default;
        SequencePosition start = reader.Position;
        long startConsumed = reader.Consumed;
        while (true)
        {
            ReadOnlySpan<byte> span = reader.UnreadSpan;
            if (span.IsEmpty)
            {
                return RespStatus.Incomplete;
            }

            int end = span.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                reader.Advance(span.Length);
                continue;
            }

            if (span[end] == '\n')
            {
                error = RespErrors.Protocol(RespErrors.BareLineFeed);
                return RespStatus.Error;
            }

            content = reader.Sequence.Slice(start, reader.Consumed + end - startConsumed);
            reader.Advance(end);
            return TryReadCrlf(ref reader, RespErrors.ExpectedLineFeed, out error);
        }
    }

    private static RespStatus TryReadCrlf(ref SequenceReader<byte> reader, string message, out RespError error)
    {
        error = default;
        for (int i = 0; i < 2; i++)
        {
            if (!reader.TryRead(out byte b))
            {
                return RespStatus.Incomplete;
            }

            if (b != (i == 0 ? (byte)'\r' : (byte)'\n'))
            {
                error = RespErrors.Protocol(message);
                return RespStatus.Error;
            }
        }

        return RespStatus.Complete;
    }
}
