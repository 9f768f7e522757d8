namespace Tino.Events;

/// <summary>One channel or pattern a connection subscribes to, registered with the <see cref="EventHub"/>.</summary>
internal sealed class EventSubscription
{
    private volatile bool _active = true;

    public EventSubscription(IEventSink sink, string name, byte[] nameBytes, bool isPattern, bool authenticated, bool asJson = false)
    {
        AsJson = asJson;
        Sink = sink;
        Name = name;
        NameBytes = nameBytes;
        IsPattern = isPattern;
        Authenticated = authenticated;
        Glob = isPattern ? new GlobPattern(name) : null;
    }

    public IEventSink Sink { get; }

    /// <summary>The channel or pattern, as UTF-8 text.</summary>
    public string Name { get; }

    /// <summary>The channel or pattern as the subscriber sent it, for the frames it receives.</summary>
    public byte[] NameBytes { get; }

    public bool IsPattern { get; }

    /// <summary>Whether the connection had authenticated when it subscribed (channels that need auth check it).</summary>
    public bool Authenticated { get; }

    public GlobPattern? Glob { get; }

    /// <summary>Whether the connection subscribed under <c>TINO.CODEC json</c>: its events carry JSON text, not MessagePack.</summary>
    public bool AsJson { get; }

    /// <summary>False once unsubscribed: frames already queued for it are dropped rather than written.</summary>
    public bool Active
    {
        get => _active;
        set => _active = value;
    }
}
