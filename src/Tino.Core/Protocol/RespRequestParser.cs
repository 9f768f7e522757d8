using System.Buffers;

namespace Tino.Protocol;

/// <summary>
/// Parses RESP2 requests (arrays of bulk strings, or inline command lines) from received bytes, without copying the
/// argument bytes. Every method follows one contract: <see cref="RespStatus.Incomplete"/> leaves the reader exactly
/// where it was and allocates nothing; <see cref="RespStatus.Complete"/> advances the reader past what was parsed;
/// <see cref="RespStatus.Error"/> leaves the reader unspecified and the connection should close. No input makes a
/// method throw. Errors are reported at the first byte no valid request could contain, and limits as soon as the
/// length they bound is known, before the bytes that break them arrive.
/// </summary>
public static partial class RespRequestParser
{
    /// <summary>
    /// Reads the array header and the command name only, so the caller can decide about the command before its
    /// arguments arrive; then call
    /// <see cref="TryReadArguments(ref SequenceReader{byte}, in RespRequestHeader, RespLimits, RespArguments, out RespError)"/>
    /// with the reader where this call left it. An inline command is read as its whole line.
    /// </summary>
    /// <param name="reader">The received bytes, positioned at the start of a request.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <param name="header">The header when the status is <see cref="RespStatus.Complete"/>; default otherwise.</param>
    /// <param name="error">The reason when the status is <see cref="RespStatus.Error"/>.</param>
    /// <returns>Whether a header was read, more bytes are needed, or the bytes are rejected.</returns>
    public static RespStatus TryReadHeader(
        ref SequenceReader<byte> reader,
        RespLimits limits,
        out RespRequestHeader header,
        out RespError error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        header = default;
        error = default;
        if (!reader.TryPeek(out byte first))
        {
            return RespStatus.Incomplete;
        }

        if (first != '*')
        {
            return InlineRequestParser.TryReadHeader(ref reader, limits, out header, out error);
        }

        return TryReadArrayHeaderInSpan(ref reader, limits, out header)
            ? RespStatus.Complete
            : TryReadArrayHeader(ref reader, limits, out header, out error);
    }

    /// <summary>
    /// Reads the arguments that follow a header read by <see cref="TryReadHeader"/>, the reader positioned right
    /// after it. <paramref name="arguments"/> is cleared first and holds the arguments only after
    /// <see cref="RespStatus.Complete"/>.
    /// </summary>
    /// <param name="reader">The received bytes, positioned right after the header.</param>
    /// <param name="header">The complete header of this request.</param>
    /// <param name="limits">The limits the header was read with.</param>
    /// <param name="arguments">Receives a slice per argument.</param>
    /// <param name="error">The reason when the status is <see cref="RespStatus.Error"/>.</param>
    /// <returns>Whether the arguments were read, more bytes are needed, or the bytes are rejected.</returns>
    public static RespStatus TryReadArguments(
        ref SequenceReader<byte> reader,
        in RespRequestHeader header,
        RespLimits limits,
        RespArguments arguments,
        out RespError error) =>
        TryReadArguments(ref reader, in header, limits, arguments, out error, out _);

    /// <inheritdoc cref="TryReadArguments(ref SequenceReader{byte}, in RespRequestHeader, RespLimits, RespArguments, out RespError)"/>
    /// <param name="reader">The received bytes, positioned just after the header.</param>
    /// <param name="header">The header <see cref="TryReadHeader"/> returned.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <param name="arguments">Cleared, then receives a slice per argument.</param>
    /// <param name="error">The reason when the status is <see cref="RespStatus.Error"/>.</param>
    /// <param name="knownRequestBytes">
    /// When the status is <see cref="RespStatus.Incomplete"/>: how many bytes the request takes at least, from its header
    /// through the last argument whose length has arrived (0 when not known), so the transport can make room for them.
    /// </param>
    internal static RespStatus TryReadArguments(
        ref SequenceReader<byte> reader,
        in RespRequestHeader header,
        RespLimits limits,
        RespArguments arguments,
        out RespError error,
        out long knownRequestBytes)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(arguments);
        arguments.Clear();
        error = default;
        knownRequestBytes = 0;
        if (header.IsInline)
        {
            return InlineRequestParser.ReadArguments(in header, arguments, out error);
        }

        if (TryReadArgumentsInSpan(ref reader, in header, limits, arguments))
        {
            return RespStatus.Complete;
        }

        SequenceReader<byte> r = reader;
        long requestBytes = header.BytesRead;
        for (int i = 0; i < header.ArgumentCount; i++)
        {
            RespStatus status = TryReadBulk(ref r, limits, ref requestBytes, out ReadOnlySequence<byte> argument, out error);
            if (status != RespStatus.Complete)
            {
                arguments.Clear();
                knownRequestBytes = status == RespStatus.Incomplete ? requestBytes : 0;
                return status;
            }

            arguments.Add(in argument);
        }

        reader = r;
        return RespStatus.Complete;
    }

    /// <summary>Reads a whole request: its header, then its arguments.</summary>
    /// <param name="reader">The received bytes, positioned at the start of a request.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <param name="arguments">Cleared, then receives a slice per argument.</param>
    /// <param name="header">The header when the status is <see cref="RespStatus.Complete"/>, with
    /// <see cref="RespRequestHeader.BytesRead"/> covering the whole request; default otherwise.</param>
    /// <param name="error">The reason when the status is <see cref="RespStatus.Error"/>.</param>
    /// <returns>Whether a request was read, more bytes are needed, or the bytes are rejected.</returns>
    public static RespStatus TryRead(
        ref SequenceReader<byte> reader,
        RespLimits limits,
        RespArguments arguments,
        out RespRequestHeader header,
        out RespError error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(arguments);
        arguments.Clear();
        if (TryReadRequestInSpan(ref reader, limits, arguments, out header))
        {
            error = default;
            return RespStatus.Complete;
        }

        SequenceReader<byte> r = reader;
        RespStatus status = TryReadHeader(ref r, limits, out header, out error);
        if (status == RespStatus.Complete)
        {
            status = TryReadArguments(ref r, in header, limits, arguments, out error);
        }

        if (status != RespStatus.Complete)
        {
            header = default;
            return status;
        }

        header = header.WithBytesRead(r.Consumed - reader.Consumed);
        reader = r;
        return RespStatus.Complete;
    }

    private static RespStatus TryReadArrayHeader(
        ref SequenceReader<byte> reader,
        RespLimits limits,
        out RespRequestHeader header,
        out RespError error)
    {
        header = default;
        SequenceReader<byte> r = reader;
        r.Advance(1);
        RespStatus status = RespFraming.TryReadNumber(
            ref r, allowNegative: true, RespErrors.InvalidMultibulkLength, out bool negative, out ulong count, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }

        if (negative || count == 0)
        {
            // Redis ignores *0 and *-1 (and any count below one) without a reply.
            header = RespRequestHeader.Empty(isInline: false, r.Consumed - reader.Consumed);
            reader = r;
            return RespStatus.Complete;
        }

        if (count - 1 > (ulong)limits.MaxArguments)
        {
            error = RespErrors.ArgumentsPerRequest;
            return RespStatus.Error;
        }

        long requestBytes = r.Consumed - reader.Consumed;
        status = TryReadBulk(ref r, limits, ref requestBytes, out ReadOnlySequence<byte> name, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }

        header = new RespRequestHeader((int)(count - 1), name, isInline: false, isEmpty: false, requestBytes, default);
        reader = r;
        return RespStatus.Complete;
    }

    /// <summary>
    /// Reads one "$len\r\ndata\r\n" of a request. <paramref name="requestBytes"/> counts the request so far and grows
    /// by this bulk string's framing and declared length, checked against the limits before any data is awaited.
    /// </summary>
    private static RespStatus TryReadBulk(
        ref SequenceReader<byte> reader,
        RespLimits limits,
        ref long requestBytes,
        out ReadOnlySequence<byte> data,
        out RespError error)
    {
        data = default;
        error = default;
        if (!reader.TryPeek(out byte type))
        {
            return RespStatus.Incomplete;
        }

        if (type != '$')
        {
            error = RespErrors.ExpectedBulk(type);
            return RespStatus.Error;
        }

        long lineStart = reader.Consumed;
        reader.Advance(1);
        RespStatus status = RespFraming.TryReadNumber(
            ref reader, allowNegative: false, RespErrors.InvalidBulkLength, out _, out ulong length, out error);
        if (status != RespStatus.Complete)
        {
            return status;
        }

        if (length > (ulong)limits.MaxArgumentBytes)
        {
            error = RespErrors.BytesPerArgument;
            return RespStatus.Error;
        }

        requestBytes += reader.Consumed - lineStart + (long)length + 2;
        if (requestBytes > limits.MaxRequestBytes)
        {
            error = RespErrors.BytesPerRequest;
            return RespStatus.Error;
        }

        return RespFraming.TryReadBulkData(ref reader, (int)length, out data, out error);
    }
}
