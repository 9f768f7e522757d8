using System.Net;
using Microsoft.Extensions.Logging;
using Tino.Client;

namespace Tino.Hosting;

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
    private TinoTestHost(TinoServer server, TinoClient client)
    {
        Server = server;
        Client = client;
    }

    /// <summary>The server serving the app.</summary>
    public TinoServer Server { get; }

    /// <summary>A client connected to <see cref="Server"/>.</summary>
    public TinoClient Client { get; }

    /// <summary>Where the server listens.</summary>
    public IPEndPoint EndPoint => Server.LocalEndPoint!;

    /// <summary>Starts <paramref name="app"/> on 127.0.0.1 with a free port and connects a client with <paramref name="clientOptions"/>.</summary>
    public static async Task<TinoTestHost> StartAsync(TinoApp app, TinoClientOptions? clientOptions = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var server = new TinoServer(app, loggerFactory);
        try
        {
            await server.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), cancellationToken).ConfigureAwait(false);
            var client = await TinoClient.ConnectAsync(server.LocalEndPoint!, clientOptions, cancellationToken).ConfigureAwait(false);
            return new TinoTestHost(server, client);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Another client of the same server, for tests that need several connections.</summary>
    public Task<TinoClient> ConnectAsync(TinoClientOptions? options = null, CancellationToken cancellationToken = default) =>
        TinoClient.ConnectAsync(EndPoint, options, cancellationToken);

    /// <summary>Disposes the client, then stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }
}
