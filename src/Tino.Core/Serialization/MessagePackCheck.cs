using System.Buffers;

namespace Tino.Serialization;

/// <summary>
/// Checks that bytes hold exactly one well-formed MessagePack value before anything decodes them: no invalid type
/// code, no truncation, no trailing bytes, valid UTF-8 in every string, and no value nested inside more than the
/// allowed number of arrays or maps. Iterative (hostile nesting cannot overflow the stack) and allocation-free.
/// </summary>
internal static partial class MessagePackCheck
{
    /// <summary>Depth limits up to this size keep their bookkeeping on the stack; deeper ones rent it.</summary>
    private const int StackDepth = 128;

    /// <summary>Whether <paramref name="bytes"/> is exactly one complete, well-formed MessagePack value.</summary>
    /// <param name="bytes">The argument's bytes.</param>
    /// <param name="maxDepth">How many arrays or maps a value may be inside: a top-level scalar is inside 0.</param>
    /// <param name="fault">Why not, when the result is false; <c>default</c> otherwise.</param>
    public static bool IsWellFormed(in ReadOnlySequence<byte> bytes, int maxDepth, out MessagePackFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        if (bytes.IsEmpty)
        {
            fault = new MessagePackFault(MessagePackFaultKind.Malformed, "empty argument");
            return false;
        }

        // remaining[d] counts the values still expected in the container open at depth d (maps count keys and values).
        long[]? rented = null;
        var remaining = maxDepth < StackDepth ? stackalloc long[maxDepth + 1] : (rented = ArrayPool<long>.Shared.Rent(maxDepth + 1));
        try
        {
            if (bytes.IsSingleSegment)
            {
                var span = new SpanSource(bytes.FirstSpan);
                return Scan(ref span, remaining, maxDepth, out fault);
            }

            var sequence = new SequenceSource(bytes);
            return Scan(ref sequence, remaining, maxDepth, out fault);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<long>.Shared.Return(rented);
            }
        }
    }

    private static bool Scan<TSource>(ref TSource source, scoped Span<long> remaining, int maxDepth, out MessagePackFault fault)
        where TSource : IByteSource, allows ref struct
    {
        var depth = 0;
        while (true)
        {
            if (depth > maxDepth)
            {
                fault = new MessagePackFault(MessagePackFaultKind.TooDeep, $"value nested inside more than {maxDepth} arrays or maps");
                return false;
            }

            if (!ScanHeader(ref source, out var count, out fault))
            {
                return false;
            }

            if (count > 0)
            {
                // Every element takes at least one byte: a count the input cannot hold is truncation, found now.
                if (count > source.Remaining)
                {
                    return Fail(out fault, "truncated value");
                }

                remaining[depth++] = count;
                continue;
            }

            // One value is complete: close every container it completes.
            while (true)
            {
                if (depth == 0)
                {
                    return source.Remaining == 0 || Fail(out fault, "trailing bytes after the value");
                }

                if (--remaining[depth - 1] != 0)
                {
                    break;
                }

                depth--;
            }
        }
    }

    /// <summary>Reads one value's header and, for a scalar, its body; <paramref name="count"/> is a container's element count, else 0.</summary>
    private static bool ScanHeader<TSource>(ref TSource source, out long count, out MessagePackFault fault)
        where TSource : IByteSource, allows ref struct
    {
        count = 0;
        fault = default;
        if (!source.TryReadByte(out var code))
        {
            return Fail(out fault, "truncated value");
        }

        switch (code)
        {
            case <= 0x7f or >= 0xe0 or 0xc0 or 0xc2 or 0xc3: // fixint, nil, false, true
                return true;
            case <= 0x8f: // fixmap
                count = (code & 0x0f) * 2L;
                return true;
            case <= 0x9f: // fixarray
                count = code & 0x0f;
                return true;
            case <= 0xbf: // fixstr
                return String(ref source, code & 0x1f, out fault);
            case 0xc1:
                return Fail(out fault, "invalid type code 0xc1");
            case 0xc4 or 0xc5 or 0xc6: // bin 8/16/32
                return source.TryReadBigEndian(1 << (code - 0xc4), out var binLength) && source.TrySkip((long)binLength)
                    || Fail(out fault, "truncated value");
            case 0xc7 or 0xc8 or 0xc9: // ext 8/16/32
                return source.TryReadBigEndian(1 << (code - 0xc7), out var extLength)
                    ? Extension(ref source, (long)extLength, out fault)
                    : Fail(out fault, "truncated value");
            case 0xca or 0xcb: // float 32/64
                return source.TrySkip(4 << (code - 0xca)) || Fail(out fault, "truncated value");
            case >= 0xcc and <= 0xd3: // uint 8/16/32/64, int 8/16/32/64
                return source.TrySkip(1 << ((code - 0xcc) & 3)) || Fail(out fault, "truncated value");
            case >= 0xd4 and <= 0xd8: // fixext 1/2/4/8/16
                return Extension(ref source, 1 << (code - 0xd4), out fault);
            case 0xd9 or 0xda or 0xdb: // str 8/16/32
                return source.TryReadBigEndian(1 << (code - 0xd9), out var strLength)
                    ? String(ref source, (long)strLength, out fault)
                    : Fail(out fault, "truncated value");
            case 0xdc or 0xdd: // array 16/32
                if (!source.TryReadBigEndian(2 << (code - 0xdc), out var arrayCount))
                {
                    return Fail(out fault, "truncated value");
                }

                count = (long)arrayCount;
                return true;
            default: // 0xde, 0xdf: map 16/32
                if (!source.TryReadBigEndian(2 << (code - 0xde), out var mapCount))
                {
                    return Fail(out fault, "truncated value");
                }

                count = (long)mapCount * 2;
                return true;
        }
    }

    private static bool String<TSource>(ref TSource source, long length, out MessagePackFault fault)
        where TSource : IByteSource, allows ref struct
    {
        fault = default;
        if (!source.TryCheckUtf8(length, out var valid))
        {
            return Fail(out fault, "truncated value");
        }

        return valid || Fail(out fault, "invalid UTF-8 in string");
    }

    private static bool Extension<TSource>(ref TSource source, long length, out MessagePackFault fault)
        where TSource : IByteSource, allows ref struct
    {
        fault = default;
        if (!source.TryReadByte(out var type))
        {
            return Fail(out fault, "truncated value");
        }

        if (type != 0xff)
        {
            return source.TrySkip(length) || Fail(out fault, "truncated value");
        }

        // Type -1 is the timestamp: 32, 64 or 96 bits, nanoseconds below one second.
        ulong nanoseconds;
        switch (length)
        {
            case 4:
                return source.TrySkip(4) || Fail(out fault, "truncated value");
            case 8:
                if (!source.TryReadBigEndian(8, out var packed))
                {
                    return Fail(out fault, "truncated value");
                }

                nanoseconds = packed >> 34;
                break;
            case 12:
                if (!source.TryReadBigEndian(4, out nanoseconds) || !source.TrySkip(8))
                {
                    return Fail(out fault, "truncated value");
                }

                break;
            default:
                return Fail(out fault, "invalid timestamp");
        }

        return nanoseconds <= 999_999_999 || Fail(out fault, "invalid timestamp");
    }

    private static bool Fail(out MessagePackFault fault, string message)
    {
        fault = new MessagePackFault(MessagePackFaultKind.Malformed, message);
        return false;
    }
}
