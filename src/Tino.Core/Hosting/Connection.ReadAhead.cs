using System.IO.Pipelines;
using System.Net.Sockets;

namespace Tino.Hosting;

/// <summary>
/// Reading ahead while a call runs: the connection keeps receiving, without consuming, so that it sees a client hang up
/// (the call's token fires) and the <c>TINO.CANCEL</c> requests queued behind the call, which <see cref="CancelScanner"/>
/// applies at once. The
/// bytes held stay in place, since the running call may borrow them; how far it reads ahead is bounded.
/// </summary>
internal sealed partial class Connection
{
    /// <summary>The most bytes held unprocessed behind a running call before the connection stops reading ahead.</summary>
    private const int ReadAheadLimit = 64 * 1024;

    /// <summary>
    /// Awaits a call that went asynchronous while reading ahead; returns the read whose buffer holds the unprocessed
    /// bytes (from <paramref name="unprocessed"/> on) and whatever arrived meanwhile.
    /// </summary>
    private async ValueTask<ReadResult> AwaitReadingAheadAsync(ValueTask pending, ReadResult read, SequencePosition unprocessed)
    {
        var call = pending.AsTask();
        _cancels.Scan(read, unprocessed, CurrentLimits);
        while (!call.IsCompleted && MayReadAhead(read, unprocessed))
        {
            _input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            var next = ReadPinnedAsync();
            if (await Task.WhenAny(call, next).ConfigureAwait(false) == call)
            {
                _input.CancelPendingRead();
            }
            try
            {
                read = await next.ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException)
            {
                await HangUpAsync().ConfigureAwait(false);
                await AwaitQuietlyAsync(call).ConfigureAwait(false);
                throw;
            }
            _cancels.Scan(read, unprocessed, CurrentLimits);
            if (read.IsCompleted)
            {
                // With requests behind the call, the client closed only its sending side: it still waits for the replies.
                if (read.Buffer.Slice(unprocessed).IsEmpty)
                {
                    await HangUpAsync().ConfigureAwait(false);
                }
                break;
            }
            if (read.IsCanceled)
            {
                break; // The call ended, the server is stopping, or events are waiting: the main loop takes over.
            }
        }
        await call.ConfigureAwait(false);
        return read;
    }

    private Task<ReadResult> ReadPinnedAsync()
    {
        if (_channel is null)
        {
            return _input.ReadAsync().AsTask();
        }
        _channel.Input.Pinned = true;
        return UnpinAfterAsync(_input.ReadAsync());
    }

    private async Task<ReadResult> UnpinAfterAsync(ValueTask<ReadResult> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        finally
        {
            _channel!.Input.Pinned = false;
        }
    }

    /// <summary>Whether there is room to read ahead: under the limit, and room in the event loop's buffer, which cannot move now.</summary>
    private bool MayReadAhead(in ReadResult read, SequencePosition unprocessed) =>
        !read.IsCompleted
        && read.Buffer.Length - read.Buffer.GetOffset(unprocessed) < ReadAheadLimit
        && (_channel is null || _channel.Input.FreeBytes > 0);

    /// <summary>The client closed its side while a call ran: the call's token fires, and the connection closes after its replies.</summary>
    private async ValueTask HangUpAsync()
    {
        ServerLog.ClientHungUp(_logger, Id);
        _session.CloseAfterReplies = true;
        await _closed.CancelAsync().ConfigureAwait(false);
    }

    private static async ValueTask AwaitQuietlyAsync(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection failed under the call; its own error was already replied, or has nobody to go to.
        }
    }
}
