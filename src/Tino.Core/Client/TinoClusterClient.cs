using System.Net;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>
/// A client of several Tino servers that serve the same app, with no load balancer between: each call goes to the
/// next healthy endpoint in turn (round robin). Every endpoint is sent <c>TINO.HEALTH</c> on an interval, on a
/// connection of its own; one that fails its check, replies <c>NOT_READY</c> (starting, draining before it stops, or
/// not ready by its app's checks), or whose connection is lost, is taken out at once and its calls go to the others;
/// once its check passes it is connected again and back in turn.
/// </summary>
/// <remarks>
/// Calls in flight on an endpoint that dies fail with <see cref="TinoConnectionException"/>; the client never sends a
/// call twice (it cannot know whether the server ran it) unless its command is declared idempotent and the client's
/// options carry a <see cref="TinoClientOptions.Resilience"/> pipeline: then each retry or hedged attempt goes to the
/// next healthy endpoint. The options' <see cref="TinoClientOptions.Middleware"/> runs once per call, around them. Each
/// endpoint is one <see cref="TinoClient"/> for calls and one for health checks: two connections per server.
/// </remarks>
/// <example><code>
/// await using var cluster = await TinoClusterClient.ConnectAsync(["redis://10.0.0.11:7534", "redis://10.0.0.12:7534"]);
/// long three = await cluster.CallAsync&lt;long&gt;("add", 1, 2);
/// </code></example>
public sealed partial class TinoClusterClient : ITinoClient
{
    private readonly ClusterEndPoint[] _endPoints;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Task _healthChecks;
    private readonly CallPipeline? _pipeline;
    private readonly MessagePack.MessagePackSerializerOptions _serializer;
    private readonly TimeSpan _healthCheckInterval;
    private int _next = -1;

    private TinoClusterClient(ClusterEndPoint[] endPoints, TinoClusterOptions options)
    {
        _endPoints = endPoints;
        _serializer = options.Client.Serializer ?? Serialization.TinoMessagePack.DefaultOptions;
        _pipeline = CallPipeline.For(options.Client, SendAsync);
        _healthCheckInterval = options.HealthCheckInterval;
        _healthChecks = CheckHealthAsync(options.HealthCheckInterval);
    }

    /// <summary>Every endpoint, in the order given, with whether calls go to it now and, when not, why.</summary>
    public IReadOnlyList<TinoEndPointStatus> EndPoints => Array.ConvertAll(_endPoints, endPoint => endPoint.Status);

    /// <summary>Whether at least one endpoint is healthy; while none is, calls fail at once with <see cref="TinoConnectionException"/>.</summary>
    public bool IsConnected => Array.Exists(_endPoints, endPoint => endPoint.CallClient is not null);

    /// <summary>
    /// Connects to every endpoint, each a <c>redis://[user:password@]host[:port]</c> or <c>rediss://</c> URI, at once,
    /// and returns when every attempt has ended (each within <see cref="TinoClientOptions.ConnectTimeout"/>). Endpoints
    /// that could not be reached are left to the health checks, which bring them in when they answer.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, or an address is not a <c>redis://</c> or <c>rediss://</c> URI.</exception>
    /// <exception cref="UriFormatException">An address is not a URI.</exception>
    /// <exception cref="TinoConnectionException">No endpoint could be reached.</exception>
    /// <exception cref="TinoAuthenticationException">No endpoint could be reached and one refused the credentials.</exception>
    public static Task<TinoClusterClient> ConnectAsync(IEnumerable<string> uris, TinoClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uris);
        return ConnectAsync(
            uris.Select(text => new Uri(text ?? throw new ArgumentNullException(nameof(uris)))),
            uri => uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped),
            TinoClient.ConnectAsync,
            options,
            cancellationToken);
    }

    /// <summary>Connects to every endpoint at once, as <see cref="ConnectAsync(IEnumerable{string}, TinoClusterOptions?, CancellationToken)"/> does.</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    /// <exception cref="TinoConnectionException">No endpoint could be reached.</exception>
    /// <exception cref="TinoAuthenticationException">No endpoint could be reached and one refused the credentials.</exception>
    public static Task<TinoClusterClient> ConnectAsync(IEnumerable<EndPoint> endPoints, TinoClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoints);
        return ConnectAsync(
            endPoints.Select(endPoint => endPoint ?? throw new ArgumentNullException(nameof(endPoints))),
            endPoint => endPoint.ToString() ?? endPoint.GetType().Name,
            TinoClient.ConnectAsync,
            options,
            cancellationToken);
    }

    /// <summary>Calls <paramref name="command"/> on the next healthy endpoint, as <see cref="TinoClient.CallAsync{T}(string, ReadOnlySpan{TinoArg})"/> does.</summary>
    /// <exception cref="TinoRemoteException">The server replied an error; subclasses name the common kinds.</exception>
    /// <exception cref="TinoConnectionException">No endpoint is healthy, or the endpoint's connection was lost before the reply came.</exception>
    public ValueTask<T> CallAsync<T>(string command, params ReadOnlySpan<TinoArg> arguments) =>
        CallAsync<T>(command, CancellationToken.None, arguments);

    /// <inheritdoc cref="CallAsync{T}(string, ReadOnlySpan{TinoArg})"/>
    /// <param name="command">The command's name.</param>
    /// <param name="cancellationToken">Ends the wait at once and asks the server to cancel the handler (<c>TINO.CANCEL</c>); the reply is still read, and dropped, when it comes.</param>
    /// <param name="arguments">The arguments, in order.</param>
    public ValueTask<T> CallAsync<T>(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments)
    {
        if (_pipeline is not null)
        {
            TinoCall call;
            try
            {
                ArgumentNullException.ThrowIfNull(command);
                call = _pipeline.NewCall(command, CallPipeline.Encode(arguments, _serializer), cancellationToken);
            }
            catch (Exception error)
            {
                return ValueTask.FromException<T>(error);
            }
            return _pipeline.CallAsync<T>(call, _serializer);
        }
        var endPoint = Next(out var client);
        return endPoint is null
            ? ValueTask.FromException<T>(NoHealthyEndPoint())
            : Watch(endPoint, client!.CallAsync<T>(command, cancellationToken, arguments));
    }

    /// <summary>Calls <paramref name="command"/> on the next healthy endpoint for its effect, as <see cref="TinoClient.CallAsync(string, ReadOnlySpan{TinoArg})"/> does.</summary>
    /// <inheritdoc cref="CallAsync{T}(string, ReadOnlySpan{TinoArg})" path="/exception"/>
    public ValueTask CallAsync(string command, params ReadOnlySpan<TinoArg> arguments) =>
        CallAsync(command, CancellationToken.None, arguments);

    /// <inheritdoc cref="CallAsync(string, ReadOnlySpan{TinoArg})"/>
    /// <param name="command">The command's name.</param>
    /// <param name="cancellationToken">Ends the wait at once and asks the server to cancel the handler (<c>TINO.CANCEL</c>); the reply is still read, and dropped, when it comes.</param>
    /// <param name="arguments">The arguments, in order.</param>
    public ValueTask CallAsync(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments)
    {
        if (_pipeline is not null)
        {
            try
            {
                ArgumentNullException.ThrowIfNull(command);
                var call = _pipeline.NewCall(command, CallPipeline.Encode(arguments, _serializer), cancellationToken);
                return new ValueTask(_pipeline.CallRawAsync(call).AsTask());
            }
            catch (Exception error)
            {
                return ValueTask.FromException(error);
            }
        }
        var endPoint = Next(out var client);
        return endPoint is null
            ? ValueTask.FromException(NoHealthyEndPoint())
            : Watch(endPoint, client!.CallAsync(command, cancellationToken, arguments));
    }

    /// <summary>Calls <paramref name="command"/> on the next healthy endpoint with arguments that are already MessagePack, as <see cref="TinoClient.CallRawAsync"/> does.</summary>
    public ValueTask<ReadOnlyMemory<byte>> CallRawAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default)
    {
        if (_pipeline is not null)
        {
            return _pipeline.CallRawAsync(_pipeline.NewCall(command, arguments, cancellationToken));
        }
        var endPoint = Next(out var client);
        return endPoint is null
            ? ValueTask.FromException<ReadOnlyMemory<byte>>(NoHealthyEndPoint())
            : Watch(endPoint, client!.CallRawAsync(command, arguments, cancellationToken));
    }

    /// <summary>Sends any RESP command with raw argument bytes to the next healthy endpoint, as <see cref="TinoClient.ExecuteAsync"/> does.</summary>
    public ValueTask<RespReply> ExecuteAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default)
    {
        var endPoint = Next(out var client);
        return endPoint is null
            ? ValueTask.FromException<RespReply>(NoHealthyEndPoint())
            : Watch(endPoint, client!.ExecuteAsync(command, arguments, cancellationToken));
    }

    /// <summary>Stops the health checks and closes every connection; calls in flight fail with <see cref="TinoConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _healthChecks.ConfigureAwait(false);
        foreach (var endPoint in _endPoints)
        {
            await endPoint.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Task<TinoClusterClient> ConnectAsync<TAddress>(
        IEnumerable<TAddress> addresses,
        Func<TAddress, string> name,
        Func<TAddress, TinoClientOptions, CancellationToken, Task<TinoClient>> connect,
        TinoClusterOptions? options,
        CancellationToken cancellationToken)
    {
        options ??= TinoClusterOptions.Default;
        var endPoints = addresses
            .Select(address => new ClusterEndPoint(name(address), (client, cancellation) => connect(address, client, cancellation), options))
            .ToArray();
        return ConnectAsync(endPoints, options, cancellationToken);
    }

    private static async Task<TinoClusterClient> ConnectAsync(ClusterEndPoint[] endPoints, TinoClusterOptions options, CancellationToken cancellationToken)
    {
        if (endPoints.Length == 0)
        {
            throw new ArgumentException("a cluster client needs at least one endpoint", nameof(endPoints));
        }
        if (options.HealthCheckInterval <= TimeSpan.Zero || options.HealthCheckTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("the health check interval and timeout must be positive", nameof(options));
        }
        var attempts = Array.ConvertAll(endPoints, endPoint => endPoint.ConnectAsync(cancellationToken));
        try
        {
            await Task.WhenAll(attempts).ConfigureAwait(false);
        }
        catch
        {
            // Argument errors (a URI that is not Tino's) and cancellation: no endpoint is kept.
            foreach (var endPoint in endPoints)
            {
                await endPoint.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
        if (!Array.Exists(attempts, attempt => attempt.Result))
        {
            var errors = Array.ConvertAll(endPoints, endPoint => endPoint.Status.LastError!);
            if (Array.Find(errors, error => error is TinoAuthenticationException) is { } refused)
            {
                throw refused;
            }
            throw new TinoConnectionException(
                $"could not connect to any of {endPoints.Length} endpoints: {string.Join("; ", errors.Select(error => error.Message))}",
                new AggregateException(errors));
        }
        return new TinoClusterClient(endPoints, options);
    }

    /// <summary>The next healthy endpoint after the last one picked, and its client; null when none is healthy.</summary>
    private ClusterEndPoint? Next(out TinoClient? client)
    {
        var start = (uint)Interlocked.Increment(ref _next);
        for (var i = 0u; i < _endPoints.Length; i++)
        {
            var endPoint = _endPoints[(start + i) % (uint)_endPoints.Length];
            client = endPoint.CallClient;
            if (client is not null)
            {
                return endPoint;
            }
        }
        client = null;
        return null;
    }

    private TinoConnectionException NoHealthyEndPoint() =>
        _disposing.IsCancellationRequested
            ? new TinoConnectionException("the client was disposed")
            : new TinoConnectionException(
                $"no healthy endpoint: {string.Join("; ", _endPoints.Select(endPoint => $"{endPoint.Address} ({endPoint.Status.LastError?.Message})"))}");

    /// <summary>One attempt of a call through the pipeline, on the next healthy endpoint.</summary>
    private ValueTask<ReadOnlyMemory<byte>> SendAsync(TinoCall call)
    {
        var endPoint = Next(out var client);
        return endPoint is null
            ? ValueTask.FromException<ReadOnlyMemory<byte>>(NoHealthyEndPoint())
            : Watch(endPoint, client!.SendAsync(call));
    }

    /// <summary>Takes an endpoint out as soon as a call on it finds its connection lost.</summary>
    private static ValueTask<T> Watch<T>(ClusterEndPoint endPoint, ValueTask<T> call) =>
        call.IsCompletedSuccessfully ? call : WatchAsync(endPoint, call);

    private static ValueTask Watch(ClusterEndPoint endPoint, ValueTask call) =>
        call.IsCompletedSuccessfully ? call : WatchAsync(endPoint, call);

    private static async ValueTask WatchAsync(ClusterEndPoint endPoint, ValueTask call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (TinoConnectionException error)
        {
            endPoint.MarkDown(error);
            throw;
        }
    }

    private static async ValueTask<T> WatchAsync<T>(ClusterEndPoint endPoint, ValueTask<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (TinoConnectionException error)
        {
            endPoint.MarkDown(error);
            throw;
        }
    }

    /// <summary>One loop per endpoint, so an endpoint slow to answer never delays the others' checks.</summary>
    private Task CheckHealthAsync(TimeSpan interval) =>
        Task.WhenAll(Array.ConvertAll(_endPoints, endPoint => CheckHealthAsync(endPoint, interval)));

    private async Task CheckHealthAsync(ClusterEndPoint endPoint, TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_disposing.Token).ConfigureAwait(false))
            {
                await endPoint.CheckAsync(_disposing.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            // Disposed.
        }
    }
}
