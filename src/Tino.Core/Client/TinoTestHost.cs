using System.Net;
using Microsoft.Extensions.Logging;
using Tino.Hosting;

namespace Tino.Client;

/// <summary>
/// An app served in-process on an ephemeral loopback port, with a client already connected to it:
/// the real wire, for tests. Disposing it disposes both.
/// </summary>
/// <example><code>
/// await using var host = await TinoTestHost.StartAsync(app);
/// Assert.Equal(3, await host.Client.CallAsync&lt;long&gt;("add", 1, 2));
/// </code></example>
public sealed class TinoTestHost : IAsyncDisposable
{
    private readonly TinoApp _app;

    private TinoTestHost(TinoApp app, TinoServer server, TinoClient client)
    {
        _app = app;
        Server = server;
        Client = client;
    }

    /// <summary>The server serving the app.</summary>
    public TinoServer Server { get; }

    /// <summary>A client connected to <see cref="Server"/>.</summary>
    public TinoClient Client { get; }

    /// <summary>Where the server listens.</summary>
    public IPEndPoint EndPoint => Server.LocalEndPoint!;

    /// <summary>
    /// Starts <paramref name="app"/> on 127.0.0.1 with a free port and connects a client with <paramref name="clientOptions"/>,
    /// which encodes with the app's MessagePack options (F# types for a <c>tino { }</c> app) unless they name their own.
    /// The client sends every call as it is, for the server to judge.
    /// </summary>
    public static Task<TinoTestHost> StartAsync(TinoApp app, TinoClientOptions? clientOptions = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        StartAsync(app, TinoHostOptions.Default, clientOptions, loggerFactory, cancellationToken);

    /// <summary>
    /// Starts <paramref name="app"/> as <see cref="StartAsync(TinoApp, TinoClientOptions?, ILoggerFactory?, CancellationToken)"/> does,
    /// on a server with the host options <paramref name="hostOptions"/> (limits, timeouts; with TLS, the client options must
    /// ask for it too).
    /// </summary>
    public static async Task<TinoTestHost> StartAsync(TinoApp app, TinoHostOptions? hostOptions, TinoClientOptions? clientOptions = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var server = new TinoServer(app, hostOptions, loggerFactory);
        try
        {
            await server.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), cancellationToken).ConfigureAwait(false);
            var options = TinoAppClientExtensions.OptionsFor(app, clientOptions, checkCommands: false);
            var client = await TinoClient.ConnectAsync(server.LocalEndPoint!, options, cancellationToken).ConfigureAwait(false);
            return new TinoTestHost(app, server, client);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Another client of the same server, for tests that need several connections; options as for <see cref="StartAsync(TinoApp, TinoClientOptions?, ILoggerFactory?, CancellationToken)"/>.</summary>
    public Task<TinoClient> ConnectAsync(TinoClientOptions? options = null, CancellationToken cancellationToken = default) =>
        TinoClient.ConnectAsync(EndPoint, TinoAppClientExtensions.OptionsFor(_app, options, checkCommands: false), cancellationToken);

    /// <summary>Disposes the client, then stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }
}
