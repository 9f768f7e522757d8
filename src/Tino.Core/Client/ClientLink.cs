using System.Net;

namespace Tino.Client;

/// <summary>
/// A client's link to its server: the connection in use, and, when it is lost, the one made again with doubling waits
/// (<see cref="TinoClientOptions.Reconnect"/>). Requests sent while it is down wait for the next connection, bounded by
/// the call timeout; a request already written when a connection drops fails, since it may have run.
/// </summary>
internal sealed class ClientLink(ClientConnection first, EndPoint endPoint, string host, TinoClientOptions options, CancellationToken disposing)
{
    private readonly EndPoint _endPoint = endPoint;
    private readonly string _host = host;
    private readonly TinoClientOptions _options = options;
    private readonly CancellationToken _disposing = disposing;
    private volatile ClientConnection _current = first;

    /// <summary>The connection in use; a stream's cursor lives on one connection, so a stream pins it.</summary>
    public ClientConnection Current => _current;

    /// <summary>Completed with the next connection once a lost one is made again; failed when the client stops trying.</summary>
    private TaskCompletionSource<ClientConnection> _nextConnection = NewConnectionWait();

    private static TaskCompletionSource<ClientConnection> NewConnectionWait() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Sends a request on the connection, or, while a lost connection is being made again, holds it until the new one is
    /// up: a request never written to the old connection is safe to send on the new one. The wait is bounded by the call
    /// timeout and ended by the call's cancellation; calls already written when a connection drops still fail, since
    /// they may have run.
    /// </summary>
    public void Send(PendingReply pending, ReadOnlySpan<byte> request, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _nextConnection);
        if (_current.TrySend(pending, request))
        {
            return;
        }
        if (!_options.Reconnect || _disposing.IsCancellationRequested)
        {
            pending.Fail(new TinoConnectionException("the connection is closed"));
            return;
        }
        _ = SendOnNextConnectionAsync(pending, request.ToArray(), next, cancellationToken);
    }

    private async Task SendOnNextConnectionAsync(PendingReply pending, byte[] request, TaskCompletionSource<ClientConnection> next, CancellationToken cancellationToken)
    {
        try
        {
            while (!pending.HasEnded)
            {
                var remaining = _options.CallTimeout == Timeout.InfiniteTimeSpan
                    ? Timeout.InfiniteTimeSpan
                    : _options.CallTimeout - System.Diagnostics.Stopwatch.GetElapsedTime(pending.StartedAt);
                if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }
                var connection = await next.Task.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
                next = Volatile.Read(ref _nextConnection);
                if (pending.HasEnded || connection.TrySend(pending, request))
                {
                    return;
                }
                // That connection was lost too before the request went out: wait for the one after it.
            }
        }
        catch (TimeoutException)
        {
            pending.Fail(new TimeoutException(
                $"no reply within {_options.CallTimeout.TotalMilliseconds:0} ms: the connection to {_endPoint} was lost and is not back yet"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pending.Fail(new OperationCanceledException(cancellationToken));
        }
        catch (Exception error)
        {
            pending.Fail(error as TinoConnectionException ?? new TinoConnectionException("the connection was lost and could not be made again", error));
        }
    }

    /// <summary>Hands a connection made again to the calls waiting for it.</summary>
    private void Reconnected(ClientConnection connection)
    {
        _current = connection;
        Interlocked.Exchange(ref _nextConnection, NewConnectionWait()).TrySetResult(connection);
    }

    /// <summary>Fails the calls waiting for a connection once the client stops making one.</summary>
    private void StopReconnecting(Exception reason) => Volatile.Read(ref _nextConnection).TrySetException(reason);

    /// <summary>Watches the connection and, when it is lost, makes it again with doubling waits.</summary>
    public async Task KeepConnectedAsync()
    {
        while (true)
        {
            await _current.Closed.ConfigureAwait(false);
            if (_disposing.IsCancellationRequested || !_options.Reconnect)
            {
                StopReconnecting(new TinoConnectionException(_options.Reconnect ? "the client was disposed" : "the connection was lost"));
                return;
            }
            var delay = _options.ReconnectMinDelay;
            while (true)
            {
                try
                {
                    await Task.Delay(delay, _disposing).ConfigureAwait(false);
                    var connection = await ClientConnector.OpenAsync(_endPoint, _host, _options, _disposing).ConfigureAwait(false);
                    if (_disposing.IsCancellationRequested)
                    {
                        connection.Close(new TinoConnectionException("the client was disposed"));
                        StopReconnecting(new TinoConnectionException("the client was disposed"));
                        return;
                    }
                    Reconnected(connection);
                    break;
                }
                catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
                {
                    StopReconnecting(new TinoConnectionException("the client was disposed"));
                    return;
                }
                catch (TinoAuthenticationException refused)
                {
                    StopReconnecting(refused);
                    return; // Refused credentials will not get better by asking again.
                }
                catch (Exception)
                {
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
                }
            }
        }
    }
}
