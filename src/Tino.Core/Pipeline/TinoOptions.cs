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

    /// <summary>How long a stopping server waits for calls in flight before it closes their connections.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>MessagePack options for arguments and results; null uses Tino's resolver with <see cref="MaxNestingDepth"/>.</summary>
    public MessagePackSerializerOptions? SerializerOptions { get; init; }
}
