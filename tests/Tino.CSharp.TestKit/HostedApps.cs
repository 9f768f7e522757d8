using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tino.Hosting;

namespace Tino.CSharp.TestKit;

/// <summary>A logger provider that keeps every message, to show the server logs through the container.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>Every message logged, with its category and exception.</summary>
    public ConcurrentQueue<(string Category, string Message, Exception? Error)> Messages { get; } = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Messages.Enqueue((category, formatter(state, exception), exception));
    }
}

/// <summary>A Tino app in the Generic Host, configured from in-memory configuration.</summary>
public static class HostedApps
{
    /// <summary>Builds and starts a host serving a small app; <paramref name="configuration"/> is the host's configuration (e.g. <c>Tino:Port</c>).</summary>
    public static Task<IHost> StartAsync(IDictionary<string, string?> configuration, CapturingLoggerProvider logs) =>
        StartAsync(configuration, logs, null);

    /// <summary>
    /// Builds and starts a host serving a small app with <paramref name="hostOptions"/> given to <c>AddTino</c> in code
    /// (null: the overload without them); <paramref name="configuration"/> is the host's configuration.
    /// </summary>
    public static async Task<IHost> StartAsync(IDictionary<string, string?> configuration, CapturingLoggerProvider logs, TinoHostOptions? hostOptions)
    {
        Action<TinoAppBuilder> app = tino => tino
            .UseAuth(Handlers.Authenticate)
            .Command("greet", (string name, Greeting greeting) => $"{greeting.Text} {name}")
            .Command("sleep", async (int ms, CancellationToken cancellation) => { await Task.Delay(ms, cancellation); return ms; })
            .Command("crash", () => { throw new InvalidOperationException("the secret cause"); })
            .MapService<IScientific>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddProvider(logs);
        builder.Services
            .AddSingleton(new Greeting("hello"))
            .AddSingleton<Tracker>()
            .AddScoped<IScoped, Scoped>()
            .AddScoped<IScientific, Calculator>();
        if (hostOptions is null)
        {
            builder.Services.AddTino(app);
        }
        else
        {
            builder.Services.AddTino(app, hostOptions);
        }
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// Starts a host serving <c>add</c> on a free loopback port with <paramref name="hostOptions"/>, and an app health
    /// check, "database", that is healthy while <paramref name="database"/> is up.
    /// </summary>
    public static async Task<IHost> StartWithDatabaseAsync(Database database, TinoHostOptions hostOptions)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tino:Host"] = "127.0.0.1", ["Tino:Port"] = "0" });
        builder.Services.AddTino(tino => tino.Command("add", (int a, int b) => a + b), hostOptions);
        builder.Services.AddHealthChecks().AddCheck("database", () => database.Up ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("connection refused"));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>What the container's health checks say of the Tino server: its status and description.</summary>
    public static async Task<string> TinoHealthAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = report.Entries[TinoHealthCheck.Name];
        return $"{entry.Status}: {entry.Description}";
    }

    /// <summary>
    /// Starts, then stops, a host serving an app on <paramref name="port"/> whose start-up hook notes "start" in
    /// <paramref name="ran"/>; returns the exception the start failed with, or null.
    /// </summary>
    public static async Task<Exception?> TryStartOnAsync(int port, ConcurrentQueue<string> ran, CapturingLoggerProvider logs)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tino:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        builder.Logging.AddProvider(logs);
        builder.Services.AddTino(tino => tino.OnStartup(() => ran.Enqueue("start")).Command("one", () => 1));
        using var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (IOException error)
        {
            return error;
        }
        await host.StopAsync();
        return null;
    }

    /// <summary>The port the hosted server listens on.</summary>
    public static int PortOf(IHost host) => host.Services.GetRequiredService<TinoHostedService>().LocalEndPoint?.Port ?? throw new InvalidOperationException("not started");

    /// <summary>The hosted server's address.</summary>
    public static string? AddressOf(IHost host) => host.Services.GetRequiredService<TinoHostedService>().Address;

    /// <summary>Adds Tino twice; throws.</summary>
    public static void AddTwice() => new ServiceCollection().AddTino(_ => { }).AddTino(_ => { });
}

/// <summary>An app's dependency that a test takes down and brings back.</summary>
public sealed class Database
{
    /// <summary>Whether it answers.</summary>
    public bool Up { get; set; } = true;
}
