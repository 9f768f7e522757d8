using System.Net.Security;

namespace Tino.Client;

/// <summary>
/// One endpoint of a <see cref="TinoClusterClient"/>: a <see cref="TinoClient"/> that carries the calls, another that
/// carries only health checks (so a slow call never holds a check up), and whether calls may go here.
/// </summary>
internal sealed class ClusterEndPoint
{
    private readonly Func<TinoClientOptions, CancellationToken, Task<TinoClient>> _connect;
    private readonly TinoClientOptions _callOptions;
    private readonly TinoClientOptions _checkOptions;
    private readonly TimeSpan _checkTimeout;
    private volatile TinoClient? _calls;
    private volatile TinoClient? _checks;
    private volatile bool _healthy;
    private volatile Exception? _lastError = new TinoConnectionException("not connected yet");

    public ClusterEndPoint(string address, Func<TinoClientOptions, CancellationToken, Task<TinoClient>> connect, TinoClusterOptions options)
    {
        Address = address;
        _connect = connect;
        // The cluster reconnects endpoints itself, after a passing check; each endpoint checks its own TLS name.
        _callOptions = options.Client with { Reconnect = false, Tls = CopyOf(options.Client.Tls) };
        _checkOptions = _callOptions with
        {
            ConnectTimeout = options.HealthCheckTimeout,
            CallTimeout = options.HealthCheckTimeout,
        };
        _checkTimeout = options.HealthCheckTimeout;
    }

    public string Address { get; }

    public TinoEndPointStatus Status =>
        CallClient is not null
            ? new(Address, true, null)
            : new(Address, false, _healthy ? new TinoConnectionException("the connection was lost") : _lastError);

    /// <summary>The client to send a call through, or null when this endpoint is down.</summary>
    public TinoClient? CallClient => _healthy && _calls is { IsConnected: true } calls ? calls : null;

    /// <summary>Opens the call connection; true when this endpoint is up.</summary>
    public async Task<bool> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReplaceCallClientAsync(cancellationToken).ConfigureAwait(false);
            _healthy = true;
            return true;
        }
        catch (Exception error) when (error is not ArgumentException && !(error is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            MarkDown(error);
            return false;
        }
    }

    /// <summary>
    /// Sends TINO.HEALTH on the check connection (making it first when it is missing); when it passes and the call
    /// connection is gone, makes that again too. A check that fails, replies NOT_READY, or takes longer than the timeout
    /// takes this endpoint out.
    /// </summary>
    public async Task CheckAsync(CancellationToken stopping)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(_checkTimeout);
            var checks = _checks;
            if (checks is null || !checks.IsConnected)
            {
                if (checks is not null)
                {
                    await checks.DisposeAsync().ConfigureAwait(false);
                }
                checks = _checks = await _connect(_checkOptions, timeout.Token).ConfigureAwait(false);
            }
            await CheckReadyAsync(checks, timeout.Token).ConfigureAwait(false);
            if (_calls is not { IsConnected: true })
            {
                await ReplaceCallClientAsync(stopping).ConfigureAwait(false);
            }
            _healthy = true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The cluster client is being disposed.
        }
        catch (TinoRemoteException notReady) when (notReady.Code == ErrorCodes.NotReady)
        {
            // Starting, draining or not ready by its app's own checks: out of the rotation, its connections kept, so
            // the calls in flight on it finish.
            MarkDown(notReady);
        }
        catch (Exception error)
        {
            // The check's own timeout shows as a cancelled wait or as the client's call timeout: either way, no reply in time.
            MarkDown(error is OperationCanceledException or TimeoutException
                ? new TimeoutException($"no health check reply within {_checkTimeout.TotalMilliseconds:0} ms", error)
                : error);
            if (_checks is { } checks)
            {
                _checks = null;
                await checks.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>TINO.HEALTH: READY passes; NOT_READY throws. A server too old to know it passes by answering at all.</summary>
    private static async Task CheckReadyAsync(TinoClient checks, CancellationToken cancellationToken)
    {
        try
        {
            await checks.ExecuteAsync("TINO.HEALTH", [], cancellationToken).ConfigureAwait(false);
        }
        catch (TinoCommandNotFoundException)
        {
            // Answered: alive, which is all such a server can say.
        }
    }

    /// <summary>Takes this endpoint out of the rotation until a health check passes.</summary>
    public void MarkDown(Exception reason)
    {
        _lastError = reason;
        _healthy = false;
    }

    public async ValueTask DisposeAsync()
    {
        _healthy = false;
        foreach (var client in new[] { _calls, _checks })
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task ReplaceCallClientAsync(CancellationToken cancellationToken)
    {
        var fresh = await _connect(_callOptions, cancellationToken).ConfigureAwait(false);
        var old = _calls;
        _calls = fresh;
        if (old is not null)
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A copy of TLS settings that leave the target host empty: the connection fills it with its own server's name,
    /// and endpoints with different names must not share one.
    /// </summary>
    private static SslClientAuthenticationOptions? CopyOf(SslClientAuthenticationOptions? tls)
    {
        if (tls is null || tls.TargetHost is not null)
        {
            return tls;
        }
        var copy = new SslClientAuthenticationOptions();
        foreach (var property in typeof(SslClientAuthenticationOptions).GetProperties())
        {
            if (property.CanRead && property.CanWrite)
            {
                property.SetValue(copy, property.GetValue(tls));
            }
        }
        return copy;
    }
}
