using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;

namespace Tino.Hosting;

/// <summary>A connection's deadlines: unfinished requests, silence, the quiet period of a stop, and a client that hangs up mid-call.</summary>
internal sealed partial class Connection
{
    /// <summary>
    /// Awaits a call that went asynchronous while watching the socket: a client that hangs up meanwhile
    /// cancels the call's token (PROTOCOL.md section 5). When the peek finds data waiting instead
    /// (a pipelining client), the watch simply ends.
    /// </summary>
    private async ValueTask AwaitWatchingForHangUpAsync(ValueTask pending)
    {
        var call = pending.AsTask();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        // A peek returns 0 only at end of stream, and consumes nothing when data is waiting.
        var hangUp = _socket.ReceiveAsync(_peekByte, SocketFlags.Peek, stopWatching.Token).AsTask();
        if (await Task.WhenAny(call, hangUp).ConfigureAwait(false) == hangUp && hangUp.IsCompletedSuccessfully && hangUp.Result == 0)
        {
            ServerLog.ClientHungUp(_logger, Id);
            _session.CloseAfterReplies = true;
            await _closed.CancelAsync().ConfigureAwait(false);
        }
        await stopWatching.CancelAsync().ConfigureAwait(false);
        try
        {
            await hangUp.ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The watch ended with the call, or the socket went first: both are expected here.
        }
        await call.ConfigureAwait(false);
    }

    /// <summary>Remembers when the first byte of a request still unfinished arrived, for the request deadline.</summary>
    private void TrackUnfinishedRequest(in ReadOnlySequence<byte> rest)
    {
        if (rest.IsEmpty && !_skipper.IsActive)
        {
            _requestStartedAt = 0;
        }
        else if (_requestStartedAt == 0)
        {
            _requestStartedAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The deadline of the next read: the quiet period when stopping, the rest of an unfinished request's time, or the idle timeout.</summary>
    private CancellationToken ArmReadDeadline()
    {
        TimeSpan wait;
        if (_stopping)
        {
            wait = ShutdownQuietPeriod;
        }
        else if (_requestStartedAt != 0)
        {
            wait = _requestTimeout - Stopwatch.GetElapsedTime(_requestStartedAt);
            wait = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
        }
        else if (_idleTimeout != Timeout.InfiniteTimeSpan && !_session.IsSubscribed)
        {
            wait = _idleTimeout;
        }
        else
        {
            return CancellationToken.None;
        }
        if (!_readDeadline.TryReset())
        {
            _readDeadline.Dispose();
            _readDeadline = new CancellationTokenSource();
        }
        _readDeadline.CancelAfter(wait);
        return _readDeadline.Token;
    }

    private void LogDeadline()
    {
        if (_stopping)
        {
            ServerLog.ConnectionClosed(_logger, Id);
        }
        else if (_requestStartedAt != 0)
        {
            ServerLog.ConnectionRejected(_logger, Id, "request timeout", $"a request was not finished within {_requestTimeout.TotalSeconds:0.#} s");
        }
        else
        {
            ServerLog.ConnectionRejected(_logger, Id, "idle timeout", $"no request for {_idleTimeout.TotalSeconds:0.#} s");
        }
    }
}
