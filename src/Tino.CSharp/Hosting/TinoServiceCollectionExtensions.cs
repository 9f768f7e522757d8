using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tino;
using Tino.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a Tino server with the Generic Host.</summary>
public static class TinoServiceCollectionExtensions
{
    /// <summary>
    /// Adds a Tino server that runs with the host: the app that <paramref name="configure"/> builds (its builder already
    /// uses the container, so handler parameters may be services, resolved per call), served by
    /// <see cref="TinoHostedService"/> where the <paramref name="configurationSection"/> section of the configuration
    /// says (<see cref="TinoServerOptions"/>: host, port, limits). Logs go to the container's logger factory. The server's
    /// <see cref="Publisher"/> is registered too, for app code that publishes events, and so is its readiness as the
    /// health check <see cref="TinoHealthCheck"/>: the app's other health checks decide it (<c>TINO.HEALTH</c>). An
    /// <see cref="IEventBackplane"/> in the container carries the app's events to its other instances
    /// (<c>services.AddSingleton&lt;IEventBackplane&gt;(new RedisBackplane(configuration["Tino:Backplane"]))</c>).
    /// </summary>
    /// <example><code>
    /// builder.Services.AddTino(tino =&gt; tino
    ///     .Command("add", (int a, int b) =&gt; a + b)
    ///     .MapService&lt;INotes&gt;());
    /// </code></example>
    /// <exception cref="InvalidOperationException">Tino was added already: one container serves one app.</exception>
    public static IServiceCollection AddTino(this IServiceCollection services, Action<TinoAppBuilder> configure, string configurationSection = "Tino") =>
        services.AddTino(configure, TinoHostOptions.Default, configurationSection);

    /// <summary>
    /// Adds a Tino server that runs with the host, as the overload without host options does, served with
    /// <paramref name="hostOptions"/>: TLS, and the server's limits and timeouts, which the configuration section's
    /// <c>MaxConnections</c> and <c>ShutdownTimeout</c> override when it sets them.
    /// </summary>
    /// <example><code>
    /// builder.Services.AddTino(
    ///     tino =&gt; tino.Command("add", (int a, int b) =&gt; a + b),
    ///     new TinoHostOptions { Tls = TinoTlsOptions.FromPemFiles("server.crt", "server.key"), MaxConnections = 1_000 });
    /// </code></example>
    /// <exception cref="InvalidOperationException">Tino was added already: one container serves one app.</exception>
    public static IServiceCollection AddTino(this IServiceCollection services, Action<TinoAppBuilder> configure, TinoHostOptions hostOptions, string configurationSection = "Tino")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(hostOptions);
        if (services.Any(d => d.ServiceType == typeof(TinoHostedService)))
        {
            throw new InvalidOperationException("AddTino was called already: one container serves one Tino app.");
        }
        services.AddOptions<TinoServerOptions>().Configure<IServiceProvider>((options, provider) =>
            provider.GetService<IConfiguration>()?.GetSection(configurationSection).Bind(options));
        services.AddSingleton(provider =>
        {
            var builder = new TinoAppBuilder().UseServices(provider);
            if (provider.GetService<IEventBackplane>() is { } backplane)
            {
                builder.UseEventBackplane(backplane);
            }
            configure(builder);
            return builder.Build();
        });
        services.AddSingleton(provider => new TinoHostedService(
            provider.GetRequiredService<TinoApp>(),
            provider.GetRequiredService<IOptions<TinoServerOptions>>(),
            hostOptions with { ReadinessCheck = TinoHealthCheck.FromHealthChecks(provider.GetRequiredService<HealthCheckService>(), hostOptions.ReadinessCheck) },
            provider.GetService<ILoggerFactory>()));
        services.AddHealthChecks().AddCheck<TinoHealthCheck>(TinoHealthCheck.Name, tags: [TinoHealthCheck.ReadyTag]);
        services.AddSingleton(provider => provider.GetRequiredService<TinoHostedService>().Publisher);
        services.AddHostedService(provider => provider.GetRequiredService<TinoHostedService>());
        return services;
    }
}
