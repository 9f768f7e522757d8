using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tino.Hosting.Transport;

/// <summary>
/// One epoll thread serving many connections. A connection waiting for bytes is resumed on this thread, so a
/// request is read, run and answered without a hop through the thread pool; one loop per two cores, shared by every
/// server in the process, like the socket engine of .NET itself. Between rounds of events a loop polls for a short
/// while before it sleeps (<see cref="SpinPolicy"/>).
/// </summary>
internal sealed class EventLoop
{
    private const int MaxEventsPerWait = 256;

    private static readonly Lazy<EventLoop[]> s_loops = new(
        () => Enumerable.Range(0, LoopCount()).Select(index => new EventLoop(index)).ToArray());

    private static int s_nextLoop = -1;

    /// <summary>How long one round of events may run before the loop gets a fresh thread for everyone else.</summary>
    private static readonly TimeSpan s_stallThreshold = TimeSpan.FromMilliseconds(200);

    private static Timer? s_watchdog;

    private static readonly long s_fullSpin = SpinPolicy.ConfiguredFullSpin();

    private readonly int _epoll;
    private readonly Lock _slotsGate = new();
    private readonly Stack<int> _freeSlots = new();
    private volatile SocketChannel?[] _channels = new SocketChannel?[64];
    private int _usedSlots;
    private int _nextGeneration;
    private volatile Poller _poller = new();
    private readonly int _index;

    private EventLoop(int index)
    {
        _epoll = Libc.EpollCreate(Libc.EpollCloexec);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed with errno {Marshal.GetLastPInvokeError()}");
        }
        _index = index;
        StartPoller(_poller);
    }

    /// <summary>
    /// One loop per two cores, at least one, unless the runtimeconfig property <c>Tino.Server.EventLoopCount</c> says
    /// otherwise. A loop under load keeps its core busy (it polls through short gaps), so the other half stays free
    /// for the thread pool, where asynchronous handlers resume, and for whatever else the machine runs.
    /// </summary>
    private static int LoopCount() =>
        int.TryParse(AppContext.GetData("Tino.Server.EventLoopCount")?.ToString(), out var count) && count > 0
            ? count
            : Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Whether this machine can run the event-loop transport.</summary>
    public static bool IsSupported => Libc.IsSupported;

    /// <summary>The loop the next connection joins, round robin.</summary>
    public static EventLoop Next()
    {
        var loops = s_loops.Value;
        if (s_watchdog is null)
        {
            var watchdog = new Timer(static state => ReplaceStalledPollers((EventLoop[])state!), loops, 100, 100);
            if (Interlocked.CompareExchange(ref s_watchdog, watchdog, null) is not null)
            {
                watchdog.Dispose();
            }
        }
        return loops[(uint)Interlocked.Increment(ref s_nextLoop) % (uint)loops.Length];
    }

    /// <summary>Gives <paramref name="channel"/> a slot; events carry the slot and a generation, never the descriptor.</summary>
    public (int Slot, int Generation) Add(SocketChannel channel)
    {
        lock (_slotsGate)
        {
            if (!_freeSlots.TryPop(out var slot))
            {
                slot = _usedSlots++;
                if (slot == _channels.Length)
                {
                    var grown = new SocketChannel?[_channels.Length * 2];
                    _channels.CopyTo(grown, 0);
                    _channels = grown;
                }
            }
            _channels[slot] = channel;
            return (slot, ++_nextGeneration & int.MaxValue);
        }
    }

    /// <summary>Frees the channel's slot; an event still in flight for it finds another generation and is dropped.</summary>
    public void Remove(SocketChannel channel)
    {
        lock (_slotsGate)
        {
            if (ReferenceEquals(_channels[channel.Slot], channel))
            {
                _channels[channel.Slot] = null;
                _freeSlots.Push(channel.Slot);
            }
        }
    }

    /// <summary>Adds, changes or removes the descriptor's registration; returns the errno on failure, 0 on success.</summary>
    public int Register(int operation, int fd, uint events, int slot, int generation)
    {
        Span<byte> epollEvent = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(epollEvent, events);
        BinaryPrimitives.WriteUInt64LittleEndian(epollEvent[Libc.EpollDataOffset..], ((ulong)(uint)generation << 32) | (uint)slot);
        return Libc.EpollCtl(_epoll, operation, fd, ref MemoryMarshal.GetReference(epollEvent)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// A handler that blocks holds up the thread that polls: after <see cref="s_stallThreshold"/> the loop gets a new
    /// thread, and the blocked one leaves once its round ends. The other connections wait a moment, not forever.
    /// </summary>
    private static void ReplaceStalledPollers(EventLoop[] loops)
    {
        foreach (var loop in loops)
        {
            var startedAt = Volatile.Read(ref loop._poller.RoundStartedAt);
            if (startedAt != 0 && Stopwatch.GetElapsedTime(startedAt) > s_stallThreshold)
            {
                var fresh = new Poller();
                loop._poller = fresh;
                loop.StartPoller(fresh);
            }
        }
    }

    private void StartPoller(Poller poller)
    {
        var thread = new Thread(() => Run(poller)) { IsBackground = true, Name = $"Tino I/O {_index}" };
        thread.UnsafeStart();
    }

    private void Run(Poller poller)
    {
        var events = new byte[Libc.EpollEventSize * MaxEventsPerWait];
        var spin = new SpinPolicy(s_fullSpin);
        while (_poller == poller)
        {
            var idleSince = Stopwatch.GetTimestamp();
            var count = WaitForEvents(events, spin.Budget);
            if (count < 0)
            {
                Debug.Assert(Marshal.GetLastPInvokeError() == Libc.EIntr, "epoll_wait fails only when interrupted");
                continue;
            }
            var roundStartedAt = Stopwatch.GetTimestamp();
            spin.OnGap(roundStartedAt - idleSince);
            Volatile.Write(ref poller.RoundStartedAt, roundStartedAt);
            var channels = _channels;
            for (var i = 0; i < count; i++)
            {
                var entry = events.AsSpan(i * Libc.EpollEventSize, Libc.EpollEventSize);
                var mask = BinaryPrimitives.ReadUInt32LittleEndian(entry);
                var data = BinaryPrimitives.ReadUInt64LittleEndian(entry[Libc.EpollDataOffset..]);
                var slot = (int)(uint)data;
                if (slot >= channels.Length)
                {
                    channels = _channels;
                }
                if (channels[slot] is { } channel && channel.Generation == (int)(data >> 32))
                {
                    channel.OnEvents(mask);
                }
            }
            Volatile.Write(ref poller.RoundStartedAt, 0);
        }
    }

    /// <summary>Polls for up to <paramref name="spinBudget"/> ticks, then sleeps until events arrive; the count, or -1 with errno.</summary>
    private int WaitForEvents(byte[] events, long spinBudget)
    {
        if (spinBudget > 0)
        {
            var until = Stopwatch.GetTimestamp() + spinBudget;
            do
            {
                var ready = Libc.EpollWait(_epoll, ref events[0], MaxEventsPerWait, 0);
                if (ready != 0)
                {
                    return ready;
                }
            }
            while (Stopwatch.GetTimestamp() < until);
        }
        return Libc.EpollWait(_epoll, ref events[0], MaxEventsPerWait, -1);
    }

    /// <summary>The thread that polls a loop now; when it blocks too long, another takes its place.</summary>
    private sealed class Poller
    {
        /// <summary>When the current round of events began (Stopwatch ticks); 0 while waiting in epoll.</summary>
        public long RoundStartedAt;
    }
}
