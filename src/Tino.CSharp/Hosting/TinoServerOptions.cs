using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// Where a hosted Tino server listens and the limits it enforces, bound from configuration (the <c>Tino</c>
/// section by default). A limit left unset keeps the value given in code: the app's own (<see cref="TinoOptions"/>)
/// or the server's (<see cref="TinoHostOptions"/>).
/// </summary>
/// <example><code>
/// { "Tino": { "Host": "0.0.0.0", "Port": 7534, "MaxConnections": 1000, "MaxArgumentBytes": 1048576 } }
/// </code></example>
public sealed class TinoServerOptions
{
    /// <summary>The address to listen on: an IP address or a host name (default 127.0.0.1).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port to listen on; 0 picks a free one (default 7534).</summary>
    public int Port { get; set; } = 7534;

    /// <summary>See <see cref="TinoHostOptions.MaxConnections"/>.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>See <see cref="TinoOptions.MaxConcurrentCallsPerConnection"/>.</summary>
    public int? MaxConcurrentCallsPerConnection { get; set; }

    /// <summary>See <see cref="TinoOptions.MaxNestingDepth"/>.</summary>
    public int? MaxNestingDepth { get; set; }

    /// <summary>See <see cref="TinoOptions.ExposeExceptionMessages"/>.</summary>
    public bool? ExposeExceptionMessages { get; set; }

    /// <summary>See <see cref="TinoHostOptions.ShutdownTimeout"/>.</summary>
    public TimeSpan? ShutdownTimeout { get; set; }

    /// <summary>See <see cref="RespLimits.MaxArguments"/>.</summary>
    public int? MaxArguments { get; set; }

    /// <summary>See <see cref="RespLimits.MaxArgumentBytes"/>.</summary>
    public int? MaxArgumentBytes { get; set; }

    /// <summary>See <see cref="RespLimits.MaxRequestBytes"/>.</summary>
    public long? MaxRequestBytes { get; set; }

    /// <summary>See <see cref="RespLimits.MaxInlineBytes"/>.</summary>
    public int? MaxInlineBytes { get; set; }

    /// <summary>The app's <paramref name="options"/> with every limit of the app set here put in.</summary>
    public TinoOptions ApplyTo(TinoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Limits;
        return options with
        {
            MaxConcurrentCallsPerConnection = MaxConcurrentCallsPerConnection ?? options.MaxConcurrentCallsPerConnection,
            MaxNestingDepth = MaxNestingDepth ?? options.MaxNestingDepth,
            ExposeExceptionMessages = ExposeExceptionMessages ?? options.ExposeExceptionMessages,
            Limits = limits with
            {
                MaxArguments = MaxArguments ?? limits.MaxArguments,
                MaxArgumentBytes = MaxArgumentBytes ?? limits.MaxArgumentBytes,
                MaxRequestBytes = MaxRequestBytes ?? limits.MaxRequestBytes,
                MaxInlineBytes = MaxInlineBytes ?? limits.MaxInlineBytes,
            },
        };
    }

    /// <summary>The server's <paramref name="options"/> with every limit of the server set here put in.</summary>
    public TinoHostOptions ApplyTo(TinoHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with
        {
            MaxConnections = MaxConnections ?? options.MaxConnections,
            ShutdownTimeout = ShutdownTimeout ?? options.ShutdownTimeout,
        };
    }
}
