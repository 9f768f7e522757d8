using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tino.Hosting;

namespace Tino;

/// <summary>The C# front's entry points on <see cref="TinoApp"/>: <c>TinoApp.CreateBuilder()</c> and <c>app.RunAsync(host, port)</c>.</summary>
public static class TinoAppExtensions
{
    extension(TinoApp)
    {
        /// <summary>Starts a fluent <see cref="TinoAppBuilder"/>.</summary>
        public static TinoAppBuilder CreateBuilder() => new();
    }

    extension(TinoApp app)
    {
        /// <summary>
        /// Serves the app on <paramref name="host"/>:<paramref name="port"/> until <paramref name="cancellationToken"/>
        /// fires, then stops gracefully (see <see cref="TinoServer.StopAsync"/>). When it cannot listen (the port is in
        /// use, say) it writes why to stderr and exits the process with code 1, before any start-up hook has run;
        /// <see cref="TinoServer.StartAsync"/> throws instead, for programs that handle it themselves.
        /// </summary>
        public Task RunAsync(string host = "127.0.0.1", int port = 7534, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
            app.RunAsync(host, port, TinoHostOptions.Default, loggerFactory, cancellationToken);

        /// <summary>
        /// Serves the app as the overload without host options does, on a server with <paramref name="options"/>
        /// (null: <see cref="TinoHostOptions.Default"/>): TLS, the most connections, timeouts.
        /// </summary>
        /// <example><code>
        /// await app.RunAsync("0.0.0.0", 7534, new TinoHostOptions { Tls = TinoTlsOptions.FromPemFiles("server.crt", "server.key"), MaxConnections = 1_000 });
        /// </code></example>
        public async Task RunAsync(string host, int port, TinoHostOptions? options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
        {
            try
            {
                await TinoServer.RunAsync(app, host, port, options, loggerFactory, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException error) when (error.InnerException is SocketException)
            {
                await Console.Error.WriteLineAsync($"Tino cannot start: {error.Message}").ConfigureAwait(false);
                Environment.Exit(1);
            }
        }
    }
}
