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
        /// fires, then stops gracefully (see <see cref="TinoServer.StopAsync"/>).
        /// </summary>
        public Task RunAsync(string host = "127.0.0.1", int port = 7534, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
            TinoServer.RunAsync(app, host, port, loggerFactory, cancellationToken);
    }
}
