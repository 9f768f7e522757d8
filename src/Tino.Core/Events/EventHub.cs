using System.Buffers;
using MessagePack;
using Tino.Serialization;
using System.Collections.Concurrent;
using System.Text;

namespace Tino.Events;

/// <summary>
/// Who subscribes to what, for one server. Publishing reads the subscriber arrays without a lock (they are
/// replaced, never changed, under one); a frame is built once per publish and queued to every subscriber.
/// </summary>
internal sealed class EventHub
{
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, EventSubscription[]> _channels = new(StringComparer.Ordinal);
    private readonly GlobPattern[] _authRequired;
    private EventSubscription[] _patterns = [];

    public EventHub(EventOptions options)
    {
        _authRequired = [.. options.AuthRequiredChannels.Select(pattern => new GlobPattern(pattern))];
    }

    /// <summary>Whether only an authenticated connection may receive <paramref name="channel"/>'s events.</summary>
    public bool RequiresAuth(string channel) => _authRequired.Length > 0 && _authRequired.Any(p => p.IsMatch(channel));

    public void Add(EventSubscription subscription)
    {
        lock (_gate)
        {
            if (subscription.IsPattern)
            {
                _patterns = [.. _patterns, subscription];
            }
            else
            {
                _channels[subscription.Name] = _channels.TryGetValue(subscription.Name, out var existing) ? [.. existing, subscription] : [subscription];
            }
        }
    }

    public void Remove(EventSubscription subscription)
    {
        subscription.Active = false;
        lock (_gate)
        {
            if (subscription.IsPattern)
            {
                _patterns = Array.FindAll(_patterns, s => s != subscription);
            }
            else if (_channels.TryGetValue(subscription.Name, out var existing))
            {
                var rest = Array.FindAll(existing, s => s != subscription);
                if (rest.Length == 0)
                {
                    _channels.TryRemove(subscription.Name, out _);
                }
                else
                {
                    _channels[subscription.Name] = rest;
                }
            }
        }
    }

    /// <summary>Whether publishing to <paramref name="channel"/> could reach anyone (so a payload is worth encoding).</summary>
    public bool HasSubscribers(string channel) => Volatile.Read(ref _patterns).Length > 0 || _channels.ContainsKey(channel);

    /// <summary>
    /// Queues <paramref name="payload"/> to every subscriber of the channel and of a matching pattern; returns how many took
    /// it. Each frame is built once per publish and shared; subscribers under <c>TINO.CODEC json</c> share one whose
    /// payload is the JSON text of the MessagePack.
    /// </summary>
    public int Publish(string channel, ReadOnlySpan<byte> payload)
    {
        var delivered = 0;
        byte[]? channelBytes = null;
        byte[]? json = null;
        if (_channels.TryGetValue(channel, out var subscribers))
        {
            channelBytes = Encoding.UTF8.GetBytes(channel);
            byte[]? frame = null, jsonFrame = null;
            foreach (var subscriber in subscribers)
            {
                var built = subscriber.AsJson
                    ? jsonFrame ??= EventFrames.Message(channelBytes, json ??= JsonOf(payload))
                    : frame ??= EventFrames.Message(channelBytes, payload);
                delivered += subscriber.Sink.TryDeliver(subscriber, built) ? 1 : 0;
            }
        }
        var patterns = Volatile.Read(ref _patterns);
        if (patterns.Length == 0)
        {
            return delivered;
        }
        bool? requiresAuth = null;
        (string Pattern, bool AsJson, byte[] Frame)? shared = null;
        foreach (var subscriber in patterns)
        {
            if (!subscriber.Glob!.IsMatch(channel) || (!subscriber.Authenticated && (requiresAuth ??= RequiresAuth(channel))))
            {
                continue;
            }
            if (shared?.Pattern != subscriber.Name || shared?.AsJson != subscriber.AsJson)
            {
                channelBytes ??= Encoding.UTF8.GetBytes(channel);
                var carried = subscriber.AsJson ? json ??= JsonOf(payload) : payload;
                shared = (subscriber.Name, subscriber.AsJson, EventFrames.PatternMessage(subscriber.NameBytes, channelBytes, carried));
            }
            delivered += subscriber.Sink.TryDeliver(subscriber, shared.Value.Frame) ? 1 : 0;
        }
        return delivered;
    }

    /// <summary>The JSON text of an event's MessagePack, or the MessagePack itself when it does not convert (a raw publish).</summary>
    private static byte[] JsonOf(ReadOnlySpan<byte> payload)
    {
        var messagePack = payload.ToArray();
        var json = new ArrayBufferWriter<byte>(messagePack.Length * 2 + 16);
        try
        {
            MessagePackToJson.Convert(new ReadOnlySequence<byte>(messagePack), json);
            return json.WrittenSpan.ToArray();
        }
        catch (Exception error) when (error is MessagePackSerializationException or InvalidDataException or FormatException or EndOfStreamException)
        {
            return messagePack;
        }
    }
}
