using System.Buffers;
using System.Diagnostics;

namespace Tino.Hosting;

/// <summary>A connection's deadlines: unfinished requests, silence, and the quiet period of a stop.</summary>
internal sealed partial class Connection
{
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
