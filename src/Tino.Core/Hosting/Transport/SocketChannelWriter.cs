using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace Tino.Hosting.Transport;

/// <summary>
/// The sending side of a <see cref="SocketChannel"/>: replies gather in one pooled buffer and leave in one send per
/// flush. A flush the socket cannot take at once is finished on the loop thread; the buffer goes back to the pool as
/// soon as everything is sent. The connection awaits each flush before it writes again.
/// </summary>
internal sealed class SocketChannelWriter(SocketChannel channel) : PipeWriter, IValueTaskSource<FlushResult>
{
    private BufferSizing _sizing;

    private ManualResetValueTaskSourceCore<FlushResult> _pending = new() { RunContinuationsAsynchronously = false };
    private byte[]? _buffer;
    private int _written;
    private int _sent;
    private bool _completed;

    /// <summary>Whether a send buffer is rented: only while replies wait to be sent.</summary>
    internal bool HoldsBuffer => _buffer is not null;

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _written - _sent;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, (_buffer?.Length ?? 0) - _written);
        _written += bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var error = SendBuffered(out var sentAll);
        if (error is not null)
        {
            throw error;
        }
        if (sentAll)
        {
            return new(default(FlushResult));
        }
        _pending.Reset();
        return channel.BeginWriteWait() == WaitStart.Pending
            ? new(this, _pending.Version)
            : throw new ObjectDisposedException(nameof(SocketChannel));
    }

    /// <summary>Nothing waits on a flush it could cancel: the connection's flushes end when the socket takes the bytes or fails.</summary>
    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        if (exception is null && _written > _sent)
        {
            _ = SendBuffered(out _); // Best effort, never waiting: the connection flushed its replies before closing.
        }
        ReleaseBuffer();
        channel.SideCompleted();
    }

    /// <summary>On the loop thread, which took the wait: send more, and resume the writer once all is sent.</summary>
    public void OnWritable()
    {
        var error = SendBuffered(out var sentAll);
        if (error is not null)
        {
            Fail(error);
        }
        else if (sentAll)
        {
            _pending.SetResult(default);
        }
        else if (channel.BeginWriteWait() != WaitStart.Pending)
        {
            Fail(new ObjectDisposedException(nameof(SocketChannel)));
        }
    }

    /// <summary>Ends the waiting flush with <paramref name="error"/>; the caller has taken the wait.</summary>
    public void Fail(Exception error) => _pending.SetException(error);

    FlushResult IValueTaskSource<FlushResult>.GetResult(short token) => _pending.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<FlushResult>.GetStatus(short token) => _pending.GetStatus(token);

    void IValueTaskSource<FlushResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _pending.OnCompleted(continuation, state, token, flags);

    /// <summary>Sends until everything is sent or the socket is full; returns the error that ends the connection, if any.</summary>
    private IOException? SendBuffered(out bool sentAll)
    {
        while (_sent < _written)
        {
            var sent = channel.Send(_buffer.AsSpan(_sent, _written - _sent));
            if (sent > 0)
            {
                _sent += (int)sent;
                continue;
            }
            sentAll = false;
            return sent == -Libc.EAgain ? null : new IOException($"send failed with errno {-sent}");
        }
        sentAll = true;
        ReleaseBuffer();
        return null;
    }

    /// <summary>Room for <paramref name="sizeHint"/> more bytes: rent, move the unsent bytes to the front, or grow.</summary>
    private void Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_sizing.Next, sizeHint));
            return;
        }
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }
        var unsent = _written - _sent;
        var target = _buffer.Length - unsent >= sizeHint ? _buffer : ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, unsent + sizeHint));
        _sizing.Grew(target.Length);
        Buffer.BlockCopy(_buffer, _sent, target, 0, unsent);
        if (!ReferenceEquals(target, _buffer))
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
        }
        _sent = 0;
        _written = unsent;
    }

    private void ReleaseBuffer()
    {
        if (_buffer is not null)
        {
            _sizing.Released(_written, _buffer.Length);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
        _written = _sent = 0;
    }
}
