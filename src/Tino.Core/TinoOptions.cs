using MessagePack;
using Tino.Protocol;

namespace Tino;

/// <summary>
/// How a Tino app behaves on the wire. Every limit has a safe default. How a server that serves it treats its
/// connections (TLS, how many, timeouts) is that server's own options, given to it when it is made.
/// </summary>
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

    /// <summary>Stream commands: the plain reply's limit, and the cursors of <c>ITER</c> / <c>NEXT</c> / <c>CLOSE</c>.</summary>
    public StreamOptions Streams { get; init; } = StreamOptions.Default;

    /// <summary>Server events: subscribers' queues, and channels that need auth.</summary>
    public EventOptions Events { get; init; } = EventOptions.Default;

    /// <summary>MessagePack options for arguments and results; null uses Tino's resolver with <see cref="MaxNestingDepth"/>.</summary>
    public MessagePackSerializerOptions? SerializerOptions { get; init; }
}
