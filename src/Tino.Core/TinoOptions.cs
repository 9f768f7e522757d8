using MessagePack;
using Tino.Protocol;

namespace Tino;

/// <summary>How a Tino app behaves on the wire. Every limit has a safe default.</summary>
public sealed record TinoOptions
{
    /// <summary>The defaults.</summary>
    public static TinoOptions Default { get; } = new();

    /// <summary>Limits on request frames, checked as soon as a length is known.</summary>
    public RespLimits Limits { get; init; } = RespLimits.Default;

    /// <summary>How deep MessagePack values may nest: a value inside this many arrays or maps is accepted, one more is not.</summary>
    public int MaxNestingDepth { get; init; } = 64;

    /// <summary>
    /// How many calls of one connection may run at once. With 1 (the default) calls run one after another;
    /// above 1 they overlap while their replies still leave in request order.
    /// </summary>
    public int MaxConcurrentCallsPerConnection { get; init; } = 1;

    /// <summary>Whether <c>UNEXPECTED_ERROR</c> carries the exception's message. Off by default: the reply carries only an id, which is logged with the exception.</summary>
    public bool ExposeExceptionMessages { get; init; }

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

    /// <summary>How long a stopping server waits for calls in flight before it closes their connections.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Stream commands: the plain reply's limit, and the cursors of <c>ITER</c> / <c>NEXT</c> / <c>CLOSE</c>.</summary>
    public StreamOptions Streams { get; init; } = StreamOptions.Default;

    /// <summary>Server events: subscribers' queues, and channels that need auth.</summary>
    public EventOptions Events { get; init; } = EventOptions.Default;

    /// <summary>TLS for every connection; null serves plain TCP.</summary>
    public Hosting.TinoTlsOptions? Tls { get; init; }

    /// <summary>MessagePack options for arguments and results; null uses Tino's resolver with <see cref="MaxNestingDepth"/>.</summary>
    public MessagePackSerializerOptions? SerializerOptions { get; init; }
}
