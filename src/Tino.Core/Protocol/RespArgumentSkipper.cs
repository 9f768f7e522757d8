using System.Buffers;

namespace Tino.Protocol;

/// <summary>
/// Consumes the arguments of a request that will not run (refused from its header alone) as they
/// arrive, so that none of them is ever buffered whole. Limits still apply to the skipped bytes.
/// Unlike the parser it consumes what it has read even when the request is not finished yet.
/// </summary>
internal sealed class RespArgumentSkipper
{
    private int _argumentsLeft;
    private long _dataLeft;
    private int _crlfLeft;
    private long _requestBytes;

    /// <summary>Whether a request is being skipped.</summary>
    public bool IsActive => _argumentsLeft > 0;

    /// <summary>Starts skipping the arguments that follow <paramref name="header"/> (a RESP array header, not an inline line).</summary>
    public void Start(in RespRequestHeader header)
    {
        _argumentsLeft = header.IsInline ? 0 : header.ArgumentCount;
        _requestBytes = header.BytesRead;
        _dataLeft = 0;
        _crlfLeft = 0;
    }

    /// <summary>
    /// Skips as much as <paramref name="reader"/> holds: Complete once the request's last byte is gone,
    /// Incomplete when the bytes ran out first (all of them consumed but an unfinished length line),
    /// Error for bytes that are not RESP or that break a limit.
    /// </summary>
    public RespStatus Skip(ref SequenceReader<byte> reader, RespLimits limits, out RespError error)
    {
        error = default;
        while (_argumentsLeft > 0)
        {
            if (_dataLeft > 0)
            {
                var take = Math.Min(_dataLeft, reader.Remaining);
                reader.Advance(take);
                _dataLeft -= take;
                if (_dataLeft > 0)
                {
                    return RespStatus.Incomplete;
                }
            }
            while (_crlfLeft > 0)
            {
                if (!reader.TryRead(out var b))
                {
                    return RespStatus.Incomplete;
                }
                if (b != (_crlfLeft == 2 ? (byte)'\r' : (byte)'\n'))
                {
                    error = RespErrors.Protocol(RespErrors.ExpectedCrlfAfterBulk);
                    return RespStatus.Error;
                }
                if (--_crlfLeft == 0)
                {
                    _argumentsLeft--;
                }
            }
            if (_argumentsLeft == 0)
            {
                break;
            }
            var status = TryStartBulk(ref reader, limits, out error);
            if (status != RespStatus.Complete)
            {
                return status;
            }
        }
        return RespStatus.Complete;
    }

    /// <summary>Reads one "$len\r\n" line, whole or not at all, and checks it against the limits.</summary>
    private RespStatus TryStartBulk(ref SequenceReader<byte> reader, RespLimits limits, out RespError error)
    {
        var line = reader;
        if (!line.TryPeek(out var type))
        {
            error = default;
            return RespStatus.Incomplete;
        }
        if (type != '$')
        {
            error = RespErrors.ExpectedBulk(type);
            return RespStatus.Error;
        }
        line.Advance(1);
        var status = RespFraming.TryReadNumber(ref line, allowNegative: false, RespErrors.InvalidBulkLength, out _, out var length, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }
        if (length > (ulong)limits.MaxArgumentBytes)
        {
            error = RespErrors.BytesPerArgument;
            return RespStatus.Error;
        }
        _requestBytes += line.Consumed - reader.Consumed + (long)length + 2;
        if (_requestBytes > limits.MaxRequestBytes)
        {
            error = RespErrors.BytesPerRequest;
            return RespStatus.Error;
        }
        reader = line;
        _dataLeft = (long)length;
        _crlfLeft = 2;
        return RespStatus.Complete;
    }
}
