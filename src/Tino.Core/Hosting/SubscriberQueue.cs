using System.Buffers;
using System.Threading.Channels;
using Tino.Events;

namespace Tino.Hosting;

/// <summary>
/// The events waiting for one subscribed connection. Publishers queue frames from any thread and wake the
/// connection; the connection writes them between requests. Past its byte limit the subscriber is dropped,
/// once, and takes no more events, so that a client that stops reading costs the server a bounded amount.
/// </summary>
internal sealed class SubscriberQueue(long limit, Action wake, Action drop) : IEventSink
{
    private readonly Channel<(EventSubscription Subscription, byte[] Frame)> _frames =
        Channel.CreateUnbounded<(EventSubscription, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBytes;
    private int _signaled;
    private int _closed;

    public bool TryDeliver(EventSubscription subscription, byte[] frame)
    {
        if (Volatile.Read(ref _closed) != 0 || !subscription.Active)
        {
            return false;
        }
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > limit)
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                _frames.Writer.TryComplete();
                drop();
            }
            return false;
        }
        if (!_frames.Writer.TryWrite((subscription, frame)))
        {
            return false;
        }
        if (Interlocked.Exchange(ref _signaled, 1) == 0 && !DeferredWakes.TryDefer(wake))
        {
            wake();
        }
        return true;
    }

    /// <summary>Writes every queued frame whose subscription is still active, in the order they were queued.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        Volatile.Write(ref _signaled, 0);
        long taken = 0;
        while (_frames.Reader.TryRead(out var queued))
        {
            taken += queued.Frame.Length;
            if (queued.Subscription.Active)
            {
                output.Write(queued.Frame);
            }
        }
        if (taken > 0)
        {
            Interlocked.Add(ref _queuedBytes, -taken);
        }
    }

    /// <summary>Takes no more events (the connection is closing).</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, 1);
        _frames.Writer.TryComplete();
    }
}
