using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Tino.Hosting;

/// <summary>
/// A connection's read deadline: the rest of an unfinished request's time, the idle timeout between requests, or the
/// quiet period of a stop. Armed before each read; a read it cancels ends the connection, and <see cref="Log"/> says why.
/// </summary>
internal sealed class ReadDeadline(TimeSpan requestTimeout, TimeSpan idleTimeout) : IDisposable
{
    /// <summary>A stopping server closes a connection once its client has sent nothing for this long.</summary>
    private static readonly TimeSpan ShutdownQuietPeriod = TimeSpan.FromMilliseconds(250);

    private CancellationTokenSource _source = new();
    private long _requestStartedAt;

    /// <summary>Whether a request has begun to arrive and is not finished.</summary>
    public bool InRequest => _requestStartedAt != 0;

    /// <summary>Whether the last armed deadline passed.</summary>
    public bool Passed => _source.IsCancellationRequested;

    /// <summary>Remembers when the first byte of a request still unfinished arrived (<paramref name="rest"/> unprocessed, or arguments being skipped).</summary>
    public void Track(in ReadOnlySequence<byte> rest, bool skipping)
    {
        if (rest.IsEmpty && !skipping)
        {
            _requestStartedAt = 0;
        }
        else if (_requestStartedAt == 0)
        {
            _requestStartedAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The token of the next read: the quiet period when stopping, the rest of an unfinished request's time, or the idle timeout unless the client is subscribed.</summary>
    public CancellationToken Arm(bool stopping, bool subscribed)
    {
        TimeSpan wait;
        if (stopping)
        {
            wait = ShutdownQuietPeriod;
        }
        else if (_requestStartedAt != 0)
        {
            wait = requestTimeout - Stopwatch.GetElapsedTime(_requestStartedAt);
            wait = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
        }
        else if (idleTimeout != Timeout.InfiniteTimeSpan && !subscribed)
        {
            wait = idleTimeout;
        }
        else
        {
            return CancellationToken.None;
        }
        if (!_source.TryReset())
        {
            _source.Dispose();
            _source = new CancellationTokenSource();
        }
        _source.CancelAfter(wait);
        return _source.Token;
    }

    /// <summary>Logs why the deadline closed connection <paramref name="id"/>.</summary>
    public void Log(ILogger logger, long id, bool stopping)
    {
        if (stopping)
        {
            ServerLog.ConnectionClosed(logger, id);
        }
        else if (_requestStartedAt != 0)
        {
            ServerLog.ConnectionRejected(logger, id, "request timeout", $"a request was not finished within {requestTimeout.TotalSeconds:0.#} s");
        }
        else
        {
            ServerLog.ConnectionRejected(logger, id, "idle timeout", $"no request for {idleTimeout.TotalSeconds:0.#} s");
        }
    }

    public void Dispose() => _source.Dispose();
}
