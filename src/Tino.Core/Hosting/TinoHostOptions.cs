namespace Tino.Hosting;

/// <summary>
/// How a <see cref="TinoServer"/> serves its connections: TLS, how many, how long they may take, how much they may
/// hold. Every limit has a safe default. The app's own options (<see cref="TinoOptions"/>) say how calls behave; these
/// say how the server that carries them does.
/// </summary>
/// <example><code>
/// var options = new TinoHostOptions
/// {
///     Tls = TinoTlsOptions.FromPemFiles("server.crt", "server.key"),
///     MaxConnections = 1_000,
/// };
/// await using var server = new TinoServer(app, options);
/// </code></example>
public sealed record TinoHostOptions
{
    /// <summary>Timers (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>) go no further than this.</summary>
    private static readonly TimeSpan s_longestTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    /// <summary>The defaults.</summary>
    public static TinoHostOptions Default { get; } = new();

    /// <summary>TLS for every connection; null serves plain TCP.</summary>
    public TinoTlsOptions? Tls { get; init; }

    /// <summary>The most connections open at once; new ones beyond it are closed at accept.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>
    /// The most bytes one request may hold before its connection has authenticated, when every command
    /// of the app needs auth; past it the connection is closed with <c>LIMIT_EXCEEDED</c>.
    /// </summary>
    public long MaxRequestBytesBeforeAuth { get; init; } = 64 * 1024;

    /// <summary>How long a request may take to arrive once its first byte has (slow senders are closed).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a connection may stay silent between requests; <see cref="Timeout.InfiniteTimeSpan"/> (the default) for ever.
    /// A connection in the subscribed state is never idle (as in Redis): it waits for events.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The most reply bytes held for a client that does not read; past it the server writes them out and
    /// reads no more of that client's requests until the socket takes them.
    /// </summary>
    public long MaxQueuedReplyBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// How long a stopping server waits for calls in flight before it closes their connections;
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits for them however long they take.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a stopping server goes on accepting and serving while <c>TINO.HEALTH</c> already replies
    /// <c>NOT_READY "draining"</c>, so that load balancers and readiness probes send no more before it stops accepting
    /// (zero by default; a Kubernetes readiness probe wants about its period times its failure threshold).
    /// </summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The app's own readiness, asked by each <c>TINO.HEALTH</c> while the server serves: a database that is down
    /// makes the server not ready though it runs. Null (the default): ready while serving. A check that throws counts
    /// as not ready and is logged.
    /// </summary>
    public Func<CancellationToken, ValueTask<TinoReadiness>>? ReadinessCheck { get; init; }

    /// <summary>Throws when a value cannot work, naming it: every count at least 1, every time positive and a timer's length at most.</summary>
    internal void Check()
    {
        var problem =
            MaxConnections < 1 ? $"MaxConnections must be at least 1, not {MaxConnections}"
            : MaxRequestBytesBeforeAuth < 1 ? $"MaxRequestBytesBeforeAuth must be at least 1, not {MaxRequestBytesBeforeAuth}"
            : MaxQueuedReplyBytes < 1 ? $"MaxQueuedReplyBytes must be at least 1, not {MaxQueuedReplyBytes}"
            : !IsPositive(RequestTimeout) ? $"RequestTimeout must be positive and at most {s_longestTimeout}, not {RequestTimeout}"
            : !(IsPositive(IdleTimeout) || IdleTimeout == Timeout.InfiniteTimeSpan) ? $"IdleTimeout must be positive and at most {s_longestTimeout}, or Timeout.InfiniteTimeSpan, not {IdleTimeout}"
            : !(IsPositive(ShutdownTimeout) || ShutdownTimeout == TimeSpan.Zero || ShutdownTimeout == Timeout.InfiniteTimeSpan) ? $"ShutdownTimeout must be zero or more and at most {s_longestTimeout}, or Timeout.InfiniteTimeSpan, not {ShutdownTimeout}"
            : !(IsPositive(DrainDelay) || DrainDelay == TimeSpan.Zero) ? $"DrainDelay must be zero or more and at most {s_longestTimeout}, not {DrainDelay}"
            : Tls is { } tls && !IsPositive(tls.HandshakeTimeout) ? $"Tls.HandshakeTimeout must be positive and at most {s_longestTimeout}, not {tls.HandshakeTimeout}"
            : null;
        if (problem is not null)
        {
            throw new ArgumentException($"TinoHostOptions: {problem}.", "options");
        }
    }

    private static bool IsPositive(TimeSpan time) => time > TimeSpan.Zero && time <= s_longestTimeout;
}
