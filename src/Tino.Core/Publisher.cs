using System.Buffers;
using MessagePack;
using Tino.Events;
using Tino.Hosting;
using Tino.Serialization;

namespace Tino;

/// <summary>
/// Publishes server events (PROTOCOL.md section 6a) to the connections that <c>SUBSCRIBE</c> to a channel or
/// <c>PSUBSCRIBE</c> to a pattern matching it. They receive Redis's own <c>message</c> / <c>pmessage</c> frames with
/// the value as MessagePack, so any Redis client's subscriber API reads them. One per server: a handler takes it as a
/// parameter (not sent on the wire); app code gets it from <c>TinoServer.Publisher</c> or, in the Generic Host, from the container.
/// </summary>
/// <example><code>
/// app.WithCommand("create_order", (Order order, Publisher events) =&gt;
/// {
///     var saved = orders.Save(order);
///     events.Publish("orders.created", saved);
///     return saved.Id;
/// });
/// </code></example>
public sealed class Publisher
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_payload;

    private readonly MessagePackSerializerOptions _serializer;

    internal Publisher(EventHub hub, MessagePackSerializerOptions serializer)
    {
        Hub = hub;
        _serializer = serializer;
    }

    internal EventHub Hub { get; }

    /// <summary>The server's place on the app's backplane while the server runs, or null.</summary>
    internal IEventBackplaneConnection? Backplane { get; set; }

    /// <summary>An event another instance published, for this server's subscribers.</summary>
    internal void DeliverFromBackplane(string channel, ReadOnlySpan<byte> payload)
    {
        if (!Hub.HasSubscribers(channel))
        {
            return;
        }
        DeferredWakes.Begin();
        try
        {
            Hub.Publish(channel, payload);
        }
        finally
        {
            DeferredWakes.End(onThreadPool: true);
        }
    }

    /// <summary>
    /// Sends <paramref name="value"/>, as MessagePack, to every subscriber of <paramref name="channel"/> and of every
    /// pattern that matches it. Never waits: each subscriber has its own queue, and one that falls too far behind is
    /// dropped. Returns the number of deliveries, counted as Redis's <c>PUBLISH</c> counts them (one per matching
    /// subscription).
    /// </summary>
    public int Publish<T>(string channel, T value)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (!Hub.HasSubscribers(channel) && Backplane is null)
        {
            return 0;
        }
        var payload = t_payload ??= new ArrayBufferWriter<byte>(256);
        payload.ResetWrittenCount();
        ArgumentCodec.Encode(payload, value, _serializer);
        var delivered = PublishRaw(channel, payload.WrittenSpan);
        if (payload.Capacity > 1 << 20)
        {
            t_payload = null;
        }
        return delivered;
    }

    /// <summary>Sends bytes that already hold exactly one MessagePack value, as <see cref="Publish{T}"/> sends a value.</summary>
    public int PublishRaw(string channel, ReadOnlySpan<byte> messagePack)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Backplane?.Publish(channel, messagePack);
        return Hub.HasSubscribers(channel) ? Hub.Publish(channel, messagePack) : 0;
    }
}
