using System.Buffers;
using System.Diagnostics;

namespace Tino.Protocol;

/// <summary>
/// Parses RESP2 replies for a client. It follows the request parser's contract: <see cref="RespStatus.Incomplete"/>
/// leaves the reader where it was and allocates nothing, <see cref="RespStatus.Complete"/> advances past the reply,
/// <see cref="RespStatus.Error"/> leaves the reader unspecified; no input makes it throw. Arrays nest at most 64
/// deep, so a hostile server cannot exhaust the stack.
/// </summary>
public static class RespReplyParser
{
    /// <summary>How deep arrays may nest: a value inside 64 arrays is read, a 65th array is an error.</summary>
    internal const int MaxDepth = 64;

    /// <summary>
    /// Reads one whole reply. A first pass checks the bytes and counts the payload without allocating; only a
    /// complete reply is then built, its bytes copied into one array that all its strings share.
    /// </summary>
    /// <remarks>
    /// The parser keeps no state between calls: after <see cref="RespStatus.Incomplete"/> the next call scans the reply
    /// from its start again. That costs nothing for a bulk string (its data is skipped, not read) but grows with the
    /// element count of a large array arriving in many pieces; a client should bound the bytes it buffers for one reply.
    /// </remarks>
    /// <param name="reader">The received bytes, positioned at the start of a reply.</param>
    /// <param name="reply">The reply when the status is <see cref="RespStatus.Complete"/>; <see cref="RespReply.Null"/> otherwise.</param>
    /// <param name="error">The reason when the status is <see cref="RespStatus.Error"/>.</param>
    /// <returns>Whether a reply was read, more bytes are needed, or the bytes are rejected.</returns>
    public static RespStatus TryRead(ref SequenceReader<byte> reader, out RespReply reply, out RespError error)
    {
        reply = RespReply.Null;
        SequenceReader<byte> scan = reader;
        var payload = default(ReplyPayload);
        RespStatus status = ReadValue(ref scan, 0, ref payload, out _, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }

        if (payload.Length > System.Array.MaxLength)
        {
            error = RespErrors.Protocol(RespErrors.ReplyTooLarge);
            return RespStatus.Error;
        }

        SequenceReader<byte> build = reader;
        payload = new ReplyPayload(payload.Length == 0 ? [] : new byte[payload.Length]);
        status = ReadValue(ref build, 0, ref payload, out RespReply? built, out error);
        Debug.Assert(status == RespStatus.Complete && built is not null, "The second pass reads bytes the first accepted.");
        reply = built!;
        reader = build;
        return RespStatus.Complete;
    }

    /// <summary>
    /// Reads a reply that is a bulk string without copying it: <paramref name="value"/> is its bytes where they lie in
    /// the received buffer, for a caller that decodes them before the buffer moves on. <see cref="RespStatus.Complete"/>
    /// with <paramref name="isBulk"/> true for a bulk string, the reader past it; <see cref="RespStatus.Complete"/> with
    /// <paramref name="isBulk"/> false for any other reply (nil included), the reader where it was, for
    /// <see cref="TryRead"/>; otherwise as <see cref="TryRead"/>.
    /// </summary>
    internal static RespStatus TryReadBulkInPlace(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> value, out bool isBulk, out RespError error)
    {
        value = default;
        isBulk = false;
        error = default;
        SequenceReader<byte> scan = reader;
        if (!scan.TryRead(out byte type))
        {
            return RespStatus.Incomplete;
        }
        if (type != '$')
        {
            return RespStatus.Complete;
        }
        RespStatus status = ReadLength(ref scan, RespErrors.InvalidBulkLength, out int length, out error);
        if (status != RespStatus.Complete || length < 0)
        {
            return status;
        }
        status = RespFraming.TryReadBulkData(ref scan, length, out value, out error);
        if (status == RespStatus.Complete)
        {
            isBulk = true;
            reader = scan;
        }
        return status;
    }

    /// <summary>Reads one value; builds it only when <paramref name="payload"/> has a buffer (the second pass).</summary>
    private static RespStatus ReadValue(
        ref SequenceReader<byte> reader,
        int depth,
        ref ReplyPayload payload,
        out RespReply? value,
        out RespError error)
    {
        value = null;
        error = default;
        if (!reader.TryRead(out byte type))
        {
            return RespStatus.Incomplete;
        }

        switch (type)
        {
            case (byte)'+' or (byte)'-':
                RespStatus status = RespFraming.TryReadLine(ref reader, out ReadOnlySequence<byte> line, out error);
                if (status == RespStatus.Complete && payload.IsBuilding)
                {
                    value = RespReply.Line(type == '+' ? RespReplyKind.SimpleString : RespReplyKind.Error, payload.Copy(in line));
                }
                else
                {
                    payload.Count(in line);
                }

                return status;
            case (byte)':':
                return ReadInteger(ref reader, payload.IsBuilding, out value, out error);
            case (byte)'$':
                return ReadBulkString(ref reader, ref payload, out value, out error);
            case (byte)'*':
                return ReadArray(ref reader, depth, ref payload, out value, out error);
            default:
                error = RespErrors.UnknownReplyType(type);
                return RespStatus.Error;
        }
    }

    private static RespStatus ReadInteger(ref SequenceReader<byte> reader, bool build, out RespReply? value, out RespError error)
    {
        value = null;
        RespStatus status = RespFraming.TryReadNumber(
            ref reader, allowNegative: true, RespErrors.InvalidInteger, out bool negative, out ulong magnitude, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }

        if (magnitude > (negative ? 1UL << 63 : long.MaxValue))
        {
            error = RespErrors.Protocol(RespErrors.InvalidInteger);
            return RespStatus.Error;
        }

        if (build)
        {
            value = RespReply.FromInteger(negative ? unchecked((long)(0UL - magnitude)) : (long)magnitude);
        }

        return RespStatus.Complete;
    }

    private static RespStatus ReadBulkString(ref SequenceReader<byte> reader, ref ReplyPayload payload, out RespReply? value, out RespError error)
    {
        value = null;
        RespStatus status = ReadLength(ref reader, RespErrors.InvalidBulkLength, out int length, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }

        if (length < 0)
        {
            value = payload.IsBuilding ? RespReply.Null : null;
            return RespStatus.Complete;
        }

        status = RespFraming.TryReadBulkData(ref reader, length, out ReadOnlySequence<byte> data, out error);
        if (status == RespStatus.Complete && payload.IsBuilding)
        {
            value = RespReply.BulkString(payload.Copy(in data));
        }
        else
        {
            payload.Count(in data);
        }

        return status;
    }

    private static RespStatus ReadArray(ref SequenceReader<byte> reader, int depth, ref ReplyPayload payload, out RespReply? value, out RespError error)
    {
        value = null;
        if (depth == MaxDepth)
        {
            error = RespErrors.Protocol(RespErrors.NestingTooDeep);
            return RespStatus.Error;
        }

        RespStatus status = ReadLength(ref reader, RespErrors.InvalidMultibulkLength, out int count, out error);
        if (status != RespStatus.Complete || count <= 0)
        {
            value = !payload.IsBuilding ? null : count < 0 ? RespReply.Null : RespReply.EmptyArray;
            return status;
        }

        // Only the second pass allocates, and only for an array the first pass saw whole: the allocation is
        // bounded by the bytes received, whatever count the header claims.
        RespReply[]? items = payload.IsBuilding ? new RespReply[count] : null;
        for (int i = 0; i < count; i++)
        {
            status = ReadValue(ref reader, depth + 1, ref payload, out RespReply? item, out error);
            if (status != RespStatus.Complete)
            {
                return status;
            }

            if (items is not null)
            {
                items[i] = item!;
            }
        }

        value = items is null ? null : RespReply.Array(items);
        return RespStatus.Complete;
    }

    /// <summary>Reads a bulk or array length: -1 for null, else 0 up to <see cref="System.Array.MaxLength"/>.</summary>
    private static RespStatus ReadLength(ref SequenceReader<byte> reader, string invalidMessage, out int length, out RespError error)
    {
        length = 0;
        RespStatus status = RespFraming.TryReadNumber(
            ref reader, allowNegative: true, invalidMessage, out bool negative, out ulong magnitude, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }

        if (negative ? magnitude != 1 : magnitude > (ulong)System.Array.MaxLength)
        {
            error = RespErrors.Protocol(invalidMessage);
            return RespStatus.Error;
        }

        length = negative ? -1 : (int)magnitude;
        return RespStatus.Complete;
    }

    /// <summary>
    /// The reply's bytes: counted in the first pass, copied into one shared array in the second, so a reply of many
    /// strings costs one byte array.
    /// </summary>
    private struct ReplyPayload(byte[] buffer)
    {
        private readonly byte[]? _buffer = buffer;
        private int _used;

        public long Length { get; private set; }

        public readonly bool IsBuilding => _buffer is not null;

        public void Count(in ReadOnlySequence<byte> bytes) => Length += bytes.Length;

        public ReadOnlyMemory<byte> Copy(in ReadOnlySequence<byte> bytes)
        {
            var memory = new ReadOnlyMemory<byte>(_buffer, _used, (int)bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += (int)bytes.Length;
            return memory;
        }
    }
}
