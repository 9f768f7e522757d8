using System.Buffers;
using System.Runtime.CompilerServices;

namespace Tino.Protocol;

/// <summary>
/// The fast path for the common case: a request (or the part of it asked for) lying whole in the reader's current
/// span, with short lengths, inside every limit. It is read with plain span indexing and the reader is advanced
/// once. Anything else (a segment end, too few bytes, a malformed byte, a limit reached, a count below one, a length
/// of more than nine digits) makes it answer false with the reader untouched, and the byte-by-byte path then reads
/// the same bytes and reports whatever it reports. So the fast path only ever takes requests the slow path would
/// read completely, and produces the same header, arguments and bytes consumed for them.
/// </summary>
public static partial class RespRequestParser
{
    /// <summary>At most nine digits: the value then fits an <see cref="int"/>; longer numbers take the slow path.</summary>
    private const int MaxFastDigits = 9;

    /// <summary>
    /// The array header and the command name, the reader at a <c>*</c>; false, the reader untouched, when anything
    /// is unusual.
    /// </summary>
    private static bool TryReadArrayHeaderInSpan(ref SequenceReader<byte> reader, RespLimits limits, out RespRequestHeader header)
    {
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        int at = 0;
        if (!TryReadHeaderInSpan(span, limits, ref at, out int count, out int nameStart, out int nameLength))
        {
            header = default;
            return false;
        }

        ReadOnlySequence<byte> name = new SpanSlicer(in reader).Slice(nameStart, nameLength);
        header = new RespRequestHeader(count - 1, name, isInline: false, isEmpty: false, at, default);
        reader.Advance(at);
        return true;
    }

    /// <summary>
    /// All <see cref="RespRequestHeader.ArgumentCount"/> arguments of a multibulk request, the reader right after its
    /// header; false, the reader untouched and <paramref name="arguments"/> cleared, when anything is unusual.
    /// </summary>
    private static bool TryReadArgumentsInSpan(ref SequenceReader<byte> reader, in RespRequestHeader header, RespLimits limits, RespArguments arguments)
    {
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        int at = 0;
        long requestBytes = header.BytesRead;
        if (!TryReadBulksInSpan(span, ref at, header.ArgumentCount, limits, ref requestBytes, new SpanSlicer(in reader), arguments))
        {
            return false;
        }

        reader.Advance(at);
        return true;
    }

    /// <summary>
    /// A whole multibulk request, the reader at its start; false, the reader untouched and
    /// <paramref name="arguments"/> cleared, when anything is unusual (an inline command among them).
    /// </summary>
    private static bool TryReadRequestInSpan(ref SequenceReader<byte> reader, RespLimits limits, RespArguments arguments, out RespRequestHeader header)
    {
        header = default;
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        int at = 0;
        if (span.IsEmpty || span[0] != '*' || !TryReadHeaderInSpan(span, limits, ref at, out int count, out int nameStart, out int nameLength))
        {
            return false;
        }

        SpanSlicer slicer = new(in reader);
        long requestBytes = at;
        if (!TryReadBulksInSpan(span, ref at, count - 1, limits, ref requestBytes, slicer, arguments))
        {
            return false;
        }

        header = new RespRequestHeader(count - 1, slicer.Slice(nameStart, nameLength), isInline: false, isEmpty: false, at, default);
        reader.Advance(at);
        return true;
    }

    /// <summary>"*count\r\n" (the <c>*</c> already seen at <paramref name="at"/>) and the name's bulk string, moving past them.</summary>
    private static bool TryReadHeaderInSpan(
        ReadOnlySpan<byte> span,
        RespLimits limits,
        ref int at,
        out int count,
        out int nameStart,
        out int nameLength)
    {
        nameStart = 0;
        nameLength = 0;
        int i = at + 1;
        if (!TryReadLengthInSpan(span, ref i, out count) || count == 0 || count - 1 > limits.MaxArguments)
        {
            return false;
        }

        long requestBytes = i - at;
        if (!TryReadBulkInSpan(span, ref i, limits, ref requestBytes, out nameStart, out nameLength))
        {
            return false;
        }

        at = i;
        return true;
    }

    /// <summary><paramref name="count"/> bulk strings from <paramref name="at"/>, each added to <paramref name="arguments"/>; cleared again on false.</summary>
    private static bool TryReadBulksInSpan(
        ReadOnlySpan<byte> span,
        ref int at,
        int count,
        RespLimits limits,
        ref long requestBytes,
        in SpanSlicer slicer,
        RespArguments arguments)
    {
        // Every argument takes at least "$0\r\n\r\n": a span too short for that many cannot hold them all.
        if (count > (span.Length - at) / 6)
        {
            return false;
        }

        int i = at;
        long total = requestBytes;
        for (int n = 0; n < count; n++)
        {
            if (!TryReadBulkInSpan(span, ref i, limits, ref total, out int start, out int length))
            {
                arguments.Clear();
                return false;
            }

            arguments.Add(slicer.Slice(start, length));
        }

        at = i;
        requestBytes = total;
        return true;
    }

    /// <summary>"$len\r\ndata\r\n" at <paramref name="at"/>, within the limits, moving past it.</summary>
    private static bool TryReadBulkInSpan(
        ReadOnlySpan<byte> span,
        ref int at,
        RespLimits limits,
        ref long requestBytes,
        out int start,
        out int length)
    {
        start = 0;
        int i = at;
        if ((uint)i >= (uint)span.Length || span[i] != '$')
        {
            length = 0;
            return false;
        }

        i++;
        if (!TryReadLengthInSpan(span, ref i, out length) || length > limits.MaxArgumentBytes)
        {
            return false;
        }

        // The same count as the slow path: the "$len\r\n" line, the data and its CRLF.
        long total = requestBytes + (i - at) + length + 2;
        if (total > limits.MaxRequestBytes || length > span.Length - i - 2 || span[i + length] != '\r' || span[i + length + 1] != '\n')
        {
            return false;
        }

        start = i;
        at = i + length + 2;
        requestBytes = total;
        return true;
    }

    /// <summary>"digits\r\n" at <paramref name="at"/>: no sign, no leading zero, at most nine digits.</summary>
    private static bool TryReadLengthInSpan(ReadOnlySpan<byte> span, ref int at, out int value)
    {
        value = 0;
        int i = at;
        if ((uint)i >= (uint)span.Length)
        {
            return false;
        }

        uint digit = (uint)(span[i] - '0');
        if (digit > 9)
        {
            return false;
        }

        int end = span.Length - i > MaxFastDigits ? i + MaxFastDigits : span.Length;
        uint result = digit;
        i++;
        if (digit != 0)
        {
            while (i < end && (digit = (uint)(span[i] - '0')) <= 9)
            {
                result = (result * 10) + digit;
                i++;
            }
        }

        // A tenth digit, a digit after a leading zero, or anything but CRLF is left to the slow path.
        if (i > span.Length - 2 || span[i] != '\r' || span[i + 1] != '\n')
        {
            return false;
        }

        value = (int)result;
        at = i + 2;
        return true;
    }

    /// <summary>
    /// Makes slices of the reader's current span as <see cref="ReadOnlySequence{T}"/>s over the same array or segment
    /// a slice of the reader's sequence would use, without seeking through that sequence for each one.
    /// </summary>
    private readonly ref struct SpanSlicer
    {
        // The array or segment holding the current span, and the index of the span's first unread byte in it; or,
        // for any other kind of memory, the current segment's memory from the first unread byte.
        private readonly object? _owner;
        private readonly int _index;
        private readonly bool _isArray;
        private readonly ReadOnlyMemory<byte> _memory;

        public SpanSlicer(in SequenceReader<byte> reader)
        {
            ReadOnlySequence<byte> sequence = reader.Sequence;
            bool singleSegment = sequence.IsSingleSegment;

            // One segment: the span starts where the sequence does, which is cheaper to ask than reader.Position.
            SequencePosition position = singleSegment ? sequence.Start : reader.Position;
            object? owner = position.GetObject();

            // Exact type tests, so the casts cost nothing later; anything unexpected takes the general way.
            if (owner is not null && owner.GetType() == typeof(byte[]))
            {
                _isArray = true;
            }
            else if (owner is not ReadOnlySequenceSegment<byte>)
            {
                _memory = sequence.Slice(reader.Position).First;
                return;
            }

            _owner = owner;
            _index = position.GetInteger() + (singleSegment ? (int)reader.CurrentSpanIndex : 0);
        }

        public ReadOnlySequence<byte> Slice(int offset, int length)
        {
            if (_isArray)
            {
                return new ReadOnlySequence<byte>(Unsafe.As<byte[]>(_owner!), _index + offset, length);
            }

            if (_owner is not null)
            {
                ReadOnlySequenceSegment<byte> segment = Unsafe.As<ReadOnlySequenceSegment<byte>>(_owner);
                return new ReadOnlySequence<byte>(segment, _index + offset, segment, _index + offset + length);
            }

            return new ReadOnlySequence<byte>(_memory.Slice(offset, length));
        }
    }
}
