using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Tino.Redis;

/// <summary>
/// Server events across instances through a Redis server's pub/sub (redis-server, Valkey, Garnet): each instance
/// publishes what its handlers publish to <c>&lt;prefix&gt;&lt;channel&gt;</c> and delivers what the others publish
/// to its own subscribers, each event once. Built on StackExchange.Redis, which reconnects by itself; while Redis is
/// down, events still reach the publishing instance's subscribers, and those for the others are dropped and counted
/// (<c>tino.server.backplane.dropped</c>).
/// </summary>
/// <example><code>
/// var app = TinoApp.CreateBuilder().UseEventBackplane(new RedisBackplane("redis://redis:6379")) ...   // C#
/// tino { event_backplane (RedisBackplane("redis://redis:6379")) ... }                                    // F#
/// </code></example>
public sealed class RedisBackplane : IEventBackplane
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger _logger;

    /// <summary>A backplane on the Redis server at <paramref name="server"/>.</summary>
    /// <param name="server">
    /// <c>redis://[:password@]host[:port]</c> (<c>rediss://</c> for TLS), or a StackExchange.Redis configuration string
    /// (<c>host:port,password=...</c>).
    /// </param>
    /// <param name="channelPrefix">
    /// Put before every channel on Redis, so that apps sharing one Redis server keep their events apart: give each app
    /// its own. Default <c>tino:</c>.
    /// </param>
    /// <param name="logger">Where outages and recoveries are logged, once each.</param>
    public RedisBackplane(string server, string channelPrefix = "tino:", ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(server);
        ArgumentNullException.ThrowIfNull(channelPrefix);
        _configuration = RedisServer.Configuration(server);
        ChannelPrefix = channelPrefix;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>What is put before every channel on Redis.</summary>
    public string ChannelPrefix { get; }

    /// <summary>
    /// How many events one instance may have on their way to Redis; past it, events for the other instances are dropped
    /// and counted rather than queued without bound. Default 10,000.
    /// </summary>
    public int MaxEventsInFlight { get; init; } = 10_000;

    /// <inheritdoc/>
    public async Task<IEventBackplaneConnection> ConnectAsync(EventDelivery deliver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        var redis = await ConnectionMultiplexer.ConnectAsync(_configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RedisBackplaneConnection.StartAsync(redis, this, deliver, _logger).ConfigureAwait(false);
        }
        catch
        {
            await redis.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
