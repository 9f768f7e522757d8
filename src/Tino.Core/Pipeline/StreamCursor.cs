using System.Buffers;
using System.Diagnostics;

namespace Tino.Pipeline;

/// <summary>What became of a cursor after a batch was asked of it.</summary>
internal enum StreamBatchOutcome
{
    /// <summary>A batch was written under the cursor's id; more may come.</summary>
    Open,
    /// <summary>The last batch was written under cursor <c>0</c>: the stream has ended.</summary>
    Ended,
    /// <summary>Nothing was written: the producer threw (see <see cref="StreamCursor.Error"/>) and the cursor is over.</summary>
    Failed,
}

/// <summary>
/// A stream opened by <c>ITER</c> (PROTOCOL.md section 6): its producer runs ahead of the reader up to a bound,
/// and each <c>NEXT</c> takes a batch of what it made. It belongs to one connection, which gives it its id,
/// keeps it in its table, and ends it on <c>CLOSE</c>, when idle, or when the connection closes.
/// </summary>
internal abstract class StreamCursor
{
    private CancellationTokenSource? _cancellation;
    private int _released;

    /// <summary>The id the connection gave it, as sent on the wire (ASCII digits, never <c>0</c>).</summary>
    public byte[] Id { get; set; } = [];

    /// <summary>When a batch was last asked of it (<see cref="Stopwatch.GetTimestamp"/>), for the idle lifetime.</summary>
    public long LastUsed { get; set; } = Stopwatch.GetTimestamp();

    /// <summary>Whether a NEXT is writing from it now (an idle sweep must leave it alone).</summary>
    public bool Busy { get; set; }

    /// <summary>The command that made it, for error logs.</summary>
    public string CommandName { get; set; } = "";

    /// <summary>What the producer threw, once it has; the reply to the NEXT that finds it.</summary>
    public Exception? Error { get; protected set; }

    /// <summary>
    /// Writes the next batch, at most <paramref name="count"/> items, as <c>*2 &lt;cursor&gt; *k &lt;items&gt;</c>.
    /// Waits up to <paramref name="pollTimeout"/> for a first item when none is ready; writes nothing when it fails.
    /// </summary>
    public abstract ValueTask<StreamBatchOutcome> WriteBatchAsync(IBufferWriter<byte> output, int count, TimeSpan pollTimeout);

    /// <summary>Takes ownership of the source behind the producer's cancellation token, to fire on close and release at the end.</summary>
    public void Own(CancellationTokenSource cancellation) => _cancellation = cancellation;

    /// <summary>
    /// Ends the cursor: fires the producer's cancellation token when <paramref name="cancel"/> (CLOSE, idle, the
    /// connection closing), lets the producer wind down in the background, then releases the token's source.
    /// </summary>
    public void End(bool cancel)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        if (cancel)
        {
            _cancellation?.Cancel();
        }
        _ = ReleaseAsync();
    }

    /// <summary>Waits for the producer to stop (its enumerator disposed), then releases what it held.</summary>
    protected abstract Task StopProducerAsync();

    private async Task ReleaseAsync()
    {
        try
        {
            await StopProducerAsync().ConfigureAwait(false);
        }
        finally
        {
            _cancellation?.Dispose();
        }
    }
}
