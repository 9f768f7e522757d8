using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Tino.Redis;

/// <summary>
/// One server on a <see cref="RedisBackplane"/>: a pattern subscription to the app's prefix, and publishes that never
/// wait. Each message is the sending instance's 16-byte id, then the event's MessagePack, so that an instance skips
/// its own events (it has delivered them already).
/// </summary>
internal sealed class RedisBackplaneConnection : IEventBackplaneConnection
{
    private const int InstanceIdLength = 16;

    private static readonly Meter s_meter = new(TinoTelemetry.ServerMeterName);
    private static readonly Counter<long> s_dropped = s_meter.CreateCounter<long>(
        "tino.server.backplane.dropped", "{event}", "Events for the other instances that were not sent: the backplane was down, or too far behind.");
    private static readonly Action<ILogger, string, Exception?> s_down = LoggerMessage.Define<string>(
        LogLevel.Warning, new EventId(300, "BackplaneDown"),
        "The event backplane is down ({Failure}): events reach this instance's subscribers only, until it is back");
    private static readonly Action<ILogger, long, Exception?> s_back = LoggerMessage.Define<long>(
        LogLevel.Information, new EventId(301, "BackplaneBack"), "The event backplane is back; {Dropped} events for the other instances were dropped so far");
    private static readonly Action<ILogger, string, Exception?> s_deliveryFailed = LoggerMessage.Define<string>(
        LogLevel.Error, new EventId(302, "BackplaneDeliveryFailed"), "An event from the backplane on channel {Channel} could not be delivered");

    private readonly ConnectionMultiplexer _redis;
    private readonly ISubscriber _subscriber;
    private readonly byte[] _instance = Guid.NewGuid().ToByteArray();
    private readonly string _prefix;
    private readonly int _maxInFlight;
    private readonly EventDelivery _deliver;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();
    private ChannelMessageQueue? _messages;
    private Task _subscribing = Task.CompletedTask;
    private int _inFlight;
    private int _down;
    private long _dropped;

    private RedisBackplaneConnection(ConnectionMultiplexer redis, RedisBackplane backplane, EventDelivery deliver, ILogger logger)
    {
        _redis = redis;
        _subscriber = redis.GetSubscriber();
        _prefix = backplane.ChannelPrefix;
        _maxInFlight = backplane.MaxEventsInFlight;
        _deliver = deliver;
        _logger = logger;
    }

    /// <summary>How many events for the other instances this server dropped.</summary>
    internal long Dropped => Interlocked.Read(ref _dropped);

    public static async Task<RedisBackplaneConnection> StartAsync(ConnectionMultiplexer redis, RedisBackplane backplane, EventDelivery deliver, ILogger logger)
    {
        var connection = new RedisBackplaneConnection(redis, backplane, deliver, logger);
        redis.ConnectionFailed += connection.OnFailed;
        redis.ConnectionRestored += connection.OnRestored;
        connection._subscribing = connection.SubscribeUntilUpAsync();
        if (redis.IsConnected)
        {
            // Redis is up: the server takes no call before the subscription holds, so no event is missed from the start.
            await connection._subscribing.ConfigureAwait(false);
        }
        return connection;
    }

    /// <summary>Subscribes to the app's prefix, trying again until Redis answers: an instance starts while Redis is down.</summary>
    private async Task SubscribeUntilUpAsync()
    {
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                // Messages of a queue are handed over one at a time, in order: events keep the order they were published in.
                _messages = await _subscriber.SubscribeAsync(RedisChannel.Pattern(_prefix + "*")).ConfigureAwait(false);
                _messages.OnMessage(Receive);
                return;
            }
            catch (Exception error) when (error is RedisConnectionException or RedisTimeoutException)
            {
                if (Interlocked.Exchange(ref _down, 1) == 0)
                {
                    s_down(_logger, error.Message, null);
                }
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), _disposed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public void Publish(string channel, ReadOnlySpan<byte> payload)
    {
        if (!_redis.IsConnected)
        {
            Drop();
            return;
        }
        if (Interlocked.Increment(ref _inFlight) > _maxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            Drop();
            return;
        }
        var message = new byte[InstanceIdLength + payload.Length];
        _instance.CopyTo(message, 0);
        payload.CopyTo(message.AsSpan(InstanceIdLength));
        _subscriber.PublishAsync(RedisChannel.Literal(_prefix + channel), message)
            .ContinueWith(static (sent, state) => ((RedisBackplaneConnection)state!).Sent(sent), this, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Sent(Task sent)
    {
        Interlocked.Decrement(ref _inFlight);
        if (!sent.IsCompletedSuccessfully)
        {
            _ = sent.Exception; // Observed: the drop is counted, and the outage logged by OnFailed.
            Drop();
        }
    }

    private void Drop()
    {
        Interlocked.Increment(ref _dropped);
        s_dropped.Add(1);
    }

    private void Receive(ChannelMessage message)
    {
        var bytes = (byte[]?)message.Message;
        if (bytes is null || bytes.Length < InstanceIdLength || bytes.AsSpan(0, InstanceIdLength).SequenceEqual(_instance))
        {
            return;
        }
        var channel = message.Channel.ToString();
        if (!channel.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return;
        }
        channel = channel[_prefix.Length..];
        try
        {
            _deliver(channel, bytes.AsSpan(InstanceIdLength));
        }
        catch (Exception error)
        {
            s_deliveryFailed(_logger, channel, error);
        }
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs failure)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            s_down(_logger, failure.FailureType.ToString(), failure.Exception);
        }
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs restored)
    {
        if (_redis.IsConnected && Interlocked.Exchange(ref _down, 0) == 1)
        {
            s_back(_logger, Dropped, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _redis.ConnectionFailed -= OnFailed;
        _redis.ConnectionRestored -= OnRestored;
        await _disposed.CancelAsync().ConfigureAwait(false);
        await _subscribing.ConfigureAwait(false);
        if (_messages is not null)
        {
            await _messages.UnsubscribeAsync().ConfigureAwait(false);
        }
        await _redis.CloseAsync().ConfigureAwait(false);
        await _redis.DisposeAsync().ConfigureAwait(false);
        _disposed.Dispose();
    }
}
