using System.Diagnostics;

namespace Tino.Hosting.Transport;

/// <summary>
/// How long an event loop keeps polling before it sleeps in <c>epoll_wait</c>. A peer that sends to a sleeping loop
/// pays for waking its thread (on a virtual machine an interrupt to another vCPU, the costliest part of a small
/// request); a loop that polls on through short gaps is never asleep when the next bytes arrive. Polling only pays
/// while gaps are short, so the budget adapts: a gap a full spin would have covered restores it, a longer gap halves
/// it, and after a few long gaps the loop sleeps at once. An idle or lightly loaded server spins for nothing.
/// </summary>
internal struct SpinPolicy
{
    /// <summary>Below this share of the full spin, a spin is not worth its system calls: the budget drops to zero.</summary>
    private const int SmallestShare = 8;

    private readonly long _fullSpin;
    private long _budget;

    /// <param name="fullSpin">The longest spin, in <see cref="Stopwatch"/> ticks; zero never spins.</param>
    public SpinPolicy(long fullSpin)
    {
        _fullSpin = Math.Max(fullSpin, 0);
        _budget = _fullSpin;
    }

    /// <summary>How long the next idle gap may be spent polling, in <see cref="Stopwatch"/> ticks.</summary>
    public readonly long Budget => _budget;

    /// <summary>Learns from one idle gap: the time from the end of a round of events to the start of the next.</summary>
    public void OnGap(long gap)
    {
        if (gap <= _fullSpin)
        {
            _budget = _fullSpin;
            return;
        }
        var halved = _budget / 2;
        _budget = halved < _fullSpin / SmallestShare ? 0 : halved;
    }

    /// <summary>The full spin the runtimeconfig property <c>Tino.Server.EventLoopSpinMicroseconds</c> sets.</summary>
    public static long ConfiguredFullSpin() =>
        FullSpin(AppContext.GetData("Tino.Server.EventLoopSpinMicroseconds"), Environment.ProcessorCount);

    /// <summary>
    /// The full spin, in <see cref="Stopwatch"/> ticks, for a setting in microseconds: 50 µs when it is missing or not
    /// a number, none when it is 0. A single core never spins: the sender could not run meanwhile.
    /// </summary>
    public static long FullSpin(object? setting, int processorCount)
    {
        if (processorCount == 1)
        {
            return 0;
        }
        var microseconds = int.TryParse(setting?.ToString(), out var configured) && configured >= 0 ? configured : 50;
        return microseconds * Stopwatch.Frequency / 1_000_000;
    }
}
