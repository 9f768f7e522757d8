namespace Tino;

/// <summary>
/// Carries server events between the instances of one app, so that a subscriber on any instance receives what any
/// instance publishes (<see cref="EventOptions.Backplane"/>). Each server joins it when it starts and leaves it when it
/// stops; the app's events are then delivered on the publishing instance at once, and on the others through the
/// backplane. <c>Tino.Redis</c>'s <c>RedisBackplane</c> is one, on a Redis server.
/// </summary>
public interface IEventBackplane
{
    /// <summary>
    /// Joins one server: the events the other instances publish are handed to <paramref name="deliver"/>, which delivers
    /// them to this server's subscribers. An instance never receives its own events back.
    /// </summary>
    Task<IEventBackplaneConnection> ConnectAsync(EventDelivery deliver, CancellationToken cancellationToken);
}

/// <summary>One server's place on an <see cref="IEventBackplane"/>; disposing it leaves the backplane.</summary>
public interface IEventBackplaneConnection : IAsyncDisposable
{
    /// <summary>
    /// Sends an event this server published to the other instances. Must not block or throw: what cannot be sent (the
    /// backplane is down, or too far behind) is dropped and counted, and local delivery goes on.
    /// </summary>
    /// <param name="channel">The channel, as the app publishes it.</param>
    /// <param name="payload">The event's MessagePack value.</param>
    void Publish(string channel, ReadOnlySpan<byte> payload);
}

/// <summary>Delivers an event another instance published to this server's subscribers.</summary>
/// <param name="channel">The channel, as the app published it.</param>
/// <param name="payload">The event's MessagePack value.</param>
public delegate void EventDelivery(string channel, ReadOnlySpan<byte> payload);
