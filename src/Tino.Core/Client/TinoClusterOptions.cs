namespace Tino.Client;

/// <summary>How a <see cref="TinoClusterClient"/> connects to its endpoints and checks their health.</summary>
public sealed record TinoClusterOptions
{
    /// <summary>The defaults: <see cref="TinoClientOptions.Default"/> per endpoint, a <c>TINO.HEALTH</c> every second, one second to answer it.</summary>
    public static TinoClusterOptions Default { get; } = new();

    /// <summary>
    /// The options of each endpoint's <see cref="TinoClient"/>: credentials, TLS, timeouts, serializer. Credentials in an
    /// endpoint's URI are used when these have none, as with <see cref="TinoClient.ConnectAsync(string, TinoClientOptions?, CancellationToken)"/>.
    /// <see cref="TinoClientOptions.Reconnect"/> is not used: the cluster client connects a lost endpoint again itself,
    /// once a health check passes.
    /// </summary>
    public TinoClientOptions Client { get; init; } = TinoClientOptions.Default;

    /// <summary>How often every endpoint is sent <c>TINO.HEALTH</c> on a connection of its own (so a slow call never delays the check).</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a health check may take, connecting included, before the endpoint counts as down.</summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
