using System.Buffers;
using System.IO.Pipelines;
using Tino.Hosting.Commands;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// Finds the <c>TINO.CANCEL</c> requests queued behind a running call, in the bytes a connection reads ahead, and
/// applies each at once. It keeps the stream offset it has scanned through, so a request is scanned once however many
/// reads it stays unprocessed in; no slice of the receive buffer is kept past a scan.
/// </summary>
internal sealed class CancelScanner(ServerCommands commands, ConnectionContext context)
{
    private readonly RespArguments _arguments = new();

    /// <summary>How many bytes of the stream were consumed before the current read's buffer (its start's offset).</summary>
    private long _consumedBytes;

    /// <summary>The stream offset up to which the requests behind running calls have been scanned.</summary>
    private long _scannedThrough;

    /// <summary>Counts the bytes the connection consumed, so that offsets in later reads line up.</summary>
    public void Consumed(long bytes) => _consumedBytes += bytes;

    /// <summary>
    /// Scans the complete requests after <paramref name="unprocessed"/> that no earlier scan saw, and applies each
    /// <c>TINO.CANCEL</c> among them. Inline requests end the scan: cancels are sent in RESP.
    /// </summary>
    public void Scan(in ReadResult read, SequencePosition unprocessed, RespLimits limits)
    {
        var rest = read.Buffer.Slice(unprocessed);
        var restAt = _consumedBytes + read.Buffer.GetOffset(unprocessed);
        var reader = new SequenceReader<byte>(rest);
        if (_scannedThrough > restAt)
        {
            if (_scannedThrough - restAt > rest.Length)
            {
                return;
            }
            reader.Advance(_scannedThrough - restAt);
        }
        while (reader.TryPeek(out var first) && first == (byte)'*')
        {
            if (RespRequestParser.TryReadHeader(ref reader, limits, out var header, out _) != RespStatus.Complete)
            {
                return;
            }
            if (!header.IsEmpty && RespRequestParser.TryReadArguments(ref reader, header, limits, _arguments, out _, out _) != RespStatus.Complete)
            {
                return;
            }
            _scannedThrough = restAt + reader.Consumed;
            if (!header.IsEmpty && _arguments.Count == 1 && ReferenceEquals(commands.Find(header.Name), Builtins.Cancel))
            {
                context.Calls.CancelEarly(_arguments.GetText(0));
            }
            _arguments.Clear();
        }
    }
}
