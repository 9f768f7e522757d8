using System.Buffers;
using System.Threading.Channels;
using MessagePack;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// A cursor over an <see cref="IAsyncEnumerable{T}"/>. The first batch (ITER's) is pulled inline for as long as
/// the producer completes synchronously, so a short stream ends in one round trip; from then on a pump task moves
/// items into a bounded channel (the read-ahead), and each batch takes what is ready there.
/// </summary>
internal sealed class StreamCursor<T> : StreamCursor
{
    private readonly IAsyncEnumerator<T> _items;
    private readonly Channel<T> _ahead;
    private readonly CancellationToken _token;
    private readonly MessagePackSerializerOptions _serializer;
    private readonly ArrayBufferWriter<byte> _scratch = new(64);
    private readonly ArrayBufferWriter<byte> _body = new(1024);
    private readonly List<T> _batch = [];
    private CancellationTokenSource? _poll;
    private Task? _pump;
    private bool _pulledToEnd;

    public StreamCursor(IAsyncEnumerable<T> items, CancellationToken token, MessagePackSerializerOptions serializer, int readAhead)
    {
        _items = items.GetAsyncEnumerator(token);
        _token = token;
        _serializer = serializer;
        _ahead = Channel.CreateBounded<T>(new BoundedChannelOptions(readAhead)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public override async ValueTask<StreamBatchOutcome> WriteBatchAsync(IBufferWriter<byte> output, int count, TimeSpan pollTimeout)
    {
        _batch.Clear();
        if (_pump is null && !_pulledToEnd)
        {
            PullInline(count);
        }
        var reader = _ahead.Reader;
        if (_batch.Count == 0)
        {
            Drain(reader, count);
            if (_batch.Count == 0 && !reader.Completion.IsCompleted)
            {
                await WaitForItemAsync(reader, pollTimeout).ConfigureAwait(false);
                Drain(reader, count);
            }
        }
        // Completed once the producer has ended (inline or in the pump) and every item has been taken.
        var ended = reader.Completion.IsCompleted;
        if (ended && Error is not null && _batch.Count == 0)
        {
            return StreamBatchOutcome.Failed;
        }
        if (!TryEncodeBatch())
        {
            return StreamBatchOutcome.Failed;
        }
        var last = ended && Error is null;
        RespWriter.WriteArrayHeader(output, 2);
        RespWriter.WriteBulkString(output, last ? "0"u8 : Id);
        RespWriter.WriteArrayHeader(output, _batch.Count);
        output.Write(_body.WrittenSpan);
        _batch.Clear();
        return last ? StreamBatchOutcome.Ended : StreamBatchOutcome.Open;
    }

    protected override async Task StopProducerAsync()
    {
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }
        else
        {
            await DisposeItemsAsync().ConfigureAwait(false);
        }
        _poll?.Dispose();
    }

    /// <summary>Moves items straight from the producer while it completes synchronously; starts the pump when it does not.</summary>
    private void PullInline(int count)
    {
        try
        {
            while (_batch.Count < count)
            {
                var move = _items.MoveNextAsync();
                if (!move.IsCompleted)
                {
                    _pump = PumpAsync(move);
                    return;
                }
                if (!move.GetAwaiter().GetResult())
                {
                    PulledToEnd();
                    return;
                }
                _batch.Add(_items.Current);
            }
            // The batch is full: the rest is made off the connection's thread.
            _pump = Task.Run(() => PumpAsync(null));
        }
        catch (Exception error)
        {
            Error = error;
            PulledToEnd();
        }
    }

    /// <summary>The producer ended while pulled inline: the channel is completed so that later batches see the end.</summary>
    private void PulledToEnd()
    {
        _pulledToEnd = true;
        _ahead.Writer.TryComplete();
    }

    /// <summary>Moves every item into the read-ahead channel, waiting when it is full; records the producer's error.</summary>
    private async Task PumpAsync(ValueTask<bool>? first)
    {
        var writer = _ahead.Writer;
        try
        {
            var more = await (first ?? _items.MoveNextAsync()).ConfigureAwait(false);
            while (more)
            {
                var item = _items.Current;
                if (!writer.TryWrite(item))
                {
                    await writer.WriteAsync(item, _token).ConfigureAwait(false);
                }
                more = await _items.MoveNextAsync().ConfigureAwait(false);
            }
        }
        catch (Exception error) when (!(error is OperationCanceledException && _token.IsCancellationRequested))
        {
            Error = error;
        }
        catch (OperationCanceledException)
        {
            // Closed: nobody reads any more.
        }
        finally
        {
            writer.TryComplete();
            await DisposeItemsAsync().ConfigureAwait(false);
        }
    }

    private void Drain(ChannelReader<T> reader, int count)
    {
        while (_batch.Count < count && reader.TryRead(out var item))
        {
            _batch.Add(item);
        }
    }

    /// <summary>Waits until an item is ready, the stream ends, the poll timeout passes or the cursor is cancelled.</summary>
    private async ValueTask WaitForItemAsync(ChannelReader<T> reader, TimeSpan pollTimeout)
    {
        if (_poll is null || !_poll.TryReset())
        {
            _poll?.Dispose();
            _poll = CancellationTokenSource.CreateLinkedTokenSource(_token);
        }
        _poll.CancelAfter(pollTimeout);
        try
        {
            await reader.WaitToReadAsync(_poll.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The poll timeout passed (or the cursor was closed): reply what is ready, possibly nothing.
        }
    }

    /// <summary>Encodes the batch's items as MessagePack bulk strings; an item that cannot be encoded fails the cursor.</summary>
    private bool TryEncodeBatch()
    {
        _body.ResetWrittenCount();
        try
        {
            foreach (var item in _batch)
            {
                _scratch.ResetWrittenCount();
                ArgumentCodec.Encode(_scratch, item, _serializer);
                RespWriter.WriteBulkString(_body, _scratch.WrittenSpan);
            }
            return true;
        }
        catch (Exception error)
        {
            Error = error;
            _batch.Clear();
            return false;
        }
    }

    private async ValueTask DisposeItemsAsync()
    {
        try
        {
            await _items.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A producer that throws while it is disposed has nobody left to tell.
        }
    }
}
