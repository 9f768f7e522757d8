using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tino.Hosting;

/// <summary>
/// Runs the container's <see cref="TinoApp"/> on a <see cref="TinoServer"/> for as long as the host runs, listening
/// where <see cref="TinoServerOptions"/> says, with <see cref="TinoHostOptions"/> given in code (TLS, say) and the limits
/// that configuration sets put in, and logging through the container's <see cref="ILoggerFactory"/>.
/// When the host stops, the server drains its calls within the host's shutdown timeout.
/// Registered by <c>services.AddTino(...)</c>; resolve it to learn the address it listens on.
/// </summary>
public sealed class TinoHostedService : IHostedService, IAsyncDisposable
{
    private readonly TinoServerOptions _options;
    private readonly Lazy<TinoServer> _server;
    private bool _started;

    /// <summary>Prepares to serve <paramref name="app"/> with the default host options; the server starts with the host.</summary>
    public TinoHostedService(TinoApp app, IOptions<TinoServerOptions> options, ILoggerFactory? loggerFactory = null)
        : this(app, options, null, loggerFactory)
    {
    }

    /// <summary>
    /// Prepares to serve <paramref name="app"/> with <paramref name="hostOptions"/> (null: <see cref="TinoHostOptions.Default"/>),
    /// the limits set in <paramref name="options"/> put in; the server starts with the host.
    /// </summary>
    public TinoHostedService(TinoApp app, IOptions<TinoServerOptions> options, TinoHostOptions? hostOptions, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var configured = app.WithOptions(_options.ApplyTo(app.Options));
        var host = _options.ApplyTo(hostOptions ?? TinoHostOptions.Default);
        _server = new Lazy<TinoServer>(() => new TinoServer(configured, host, loggerFactory));
    }

    /// <summary>Where the server listens, with the real port when configured with port 0; null before the host starts.</summary>
    public IPEndPoint? LocalEndPoint => _server.IsValueCreated ? _server.Value.LocalEndPoint : null;

    /// <summary>
    /// The server's publisher of events, usable before the host starts (events published then reach nobody).
    /// <c>AddTino</c> registers it in the container, so app code can take it as a service.
    /// </summary>
    public Publisher Publisher => _server.Value.Publisher;

    /// <summary>The server's address as a URL, <c>redis://host:port</c>; null before the host starts.</summary>
    public string? Address => LocalEndPoint is { } endPoint ? $"redis://{_options.Host}:{endPoint.Port}" : null;

    /// <summary>
    /// Whether the server should be sent calls (<see cref="TinoServer.CheckReadinessAsync"/>): not before the host has
    /// started it, not while it drains, and otherwise as the app's readiness says.
    /// </summary>
    public ValueTask<TinoReadiness> CheckReadinessAsync(CancellationToken cancellationToken = default) =>
        _started ? _server.Value.CheckReadinessAsync(cancellationToken) : ValueTask.FromResult(TinoReadiness.NotReady("starting"));

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            throw new InvalidOperationException("The Tino server has started already.");
        }
        _started = true;
        var address = await ResolveAsync(_options.Host, cancellationToken).ConfigureAwait(false);
        await _server.Value.StartAsync(new IPEndPoint(address, _options.Port), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _server.IsValueCreated ? _server.Value.StopAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Stops the server if the host did not.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_server.IsValueCreated)
        {
            await _server.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0 ? addresses[0] : throw new InvalidOperationException($"Tino:Host '{host}' has no address.");
    }
}
