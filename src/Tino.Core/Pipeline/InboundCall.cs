using System.Diagnostics;

namespace Tino.Pipeline;

/// <summary>
/// The call a handler is serving, as the client calls it makes see it: they send what is left of its deadline, and
/// continue its trace when the server records no span of its own. Set only for calls that carry a context.
/// </summary>
internal sealed class InboundCall
{
    private static readonly AsyncLocal<InboundCall?> s_current = new();

    private InboundCall(long deadlineAt, ActivityContext parent)
    {
        DeadlineAt = deadlineAt;
        Parent = parent;
    }

    /// <summary>The call being served on this flow, or null outside a call with a context.</summary>
    public static InboundCall? Current => s_current.Value;

    /// <summary>When the call's deadline passes, in <see cref="Stopwatch"/> ticks; 0 when it has none.</summary>
    public long DeadlineAt { get; }

    /// <summary>The caller's span.</summary>
    public ActivityContext Parent { get; }

    /// <summary>What is left of the deadline, never below zero; null when the call has none.</summary>
    public TimeSpan? Remaining
    {
        get
        {
            if (DeadlineAt == 0)
            {
                return null;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), DeadlineAt);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Makes the call current on this flow; returns what was, for <see cref="Restore"/>.</summary>
    public static InboundCall? Enter(TimeSpan? remaining, ActivityContext parent)
    {
        var previous = s_current.Value;
        var deadlineAt = remaining is { } left ? Stopwatch.GetTimestamp() + (long)(left.TotalSeconds * Stopwatch.Frequency) : 0;
        s_current.Value = new InboundCall(deadlineAt, parent);
        return previous;
    }

    public static void Restore(InboundCall? previous) => s_current.Value = previous;
}
