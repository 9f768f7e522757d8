using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace Tino.Hosting.Transport;

/// <summary>
/// The receiving side of a <see cref="SocketChannel"/>: one contiguous pooled buffer, held only while it holds
/// bytes, so an idle connection keeps no receive buffer. A read that must wait is resumed on the loop thread.
/// </summary>
internal sealed class SocketChannelReader(SocketChannel channel) : PipeReader, IValueTaskSource<ReadResult>
{
    private const int MinimumReadSize = 1024;

    /// <summary>
    /// How much one wake-up reads, growing the buffer, while each read fills it: a pipelined batch of large requests is
    /// then parsed, answered and flushed together rather than one request per read and one send per reply. Bounded so
    /// that a fast sender cannot make the connection buffer much ahead of what the parser has checked.
    /// </summary>
    private const int MaxEagerReadBytes = 256 * 1024;

    /// <summary>The high bit of a <see cref="ReadOnlySequence{T}"/> position's integer marks its kind, not its index.</summary>
    private const int PositionIndexMask = int.MaxValue;

    private static readonly Action<object?> s_onTokenFired = state => ((SocketChannelReader)state!).OnTokenFired();

    private ManualResetValueTaskSourceCore<ReadResult> _pending = new() { RunContinuationsAsynchronously = false };
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _examined;
    private bool _endOfStream;
    private bool _completed;
    private int _cancelNext;

    private BufferSizing _sizing;
    private long _expectedUnread;
    private CancellationToken _waitToken;
    private CancellationTokenRegistration _waitRegistration;

    /// <summary>Whether a receive buffer is rented: only while it holds bytes not yet consumed.</summary>
    internal bool HoldsBuffer => _buffer is not null;

    /// <summary>The receive buffer's length, 0 when none is held.</summary>
    internal int BufferLength => _buffer?.Length ?? 0;

    /// <summary>
    /// Set while the connection reads ahead during a call: the bytes held stay where they are (the call may borrow
    /// them, and the connection's positions point into them), so a read only fills the room after them.
    /// </summary>
    internal bool Pinned { get; set; }

    /// <summary>How many bytes a pinned read can take: the room after the bytes held.</summary>
    internal int FreeBytes => _buffer is null ? 0 : _buffer.Length - _end;

    /// <summary>
    /// Tells the reader, after <see cref="AdvanceTo(SequencePosition, SequencePosition)"/>, how large the unread request is
    /// known to be (0: not known), so that the buffer grows to that size rather than doubling past it.
    /// </summary>
    internal void ExpectUnreadBytes(long bytes) => _expectedUnread = bytes;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (TryRead(out var ready))
        {
            return new(ready);
        }
        cancellationToken.ThrowIfCancellationRequested();
        _pending.Reset();
        _waitToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _waitRegistration = cancellationToken.UnsafeRegister(s_onTokenFired, this);
        }
        switch (channel.BeginReadWait(ref _cancelNext, cancellationToken))
        {
            case WaitStart.Pending:
                return new(this, _pending.Version);
            case WaitStart.CanceledByReader:
                _waitRegistration.Unregister();
                return new(Result(canceled: true));
            case WaitStart.TokenCanceled:
                _waitRegistration.Unregister();
                throw new OperationCanceledException(cancellationToken);
            default:
                _waitRegistration.Unregister();
                throw new ObjectDisposedException(nameof(SocketChannel));
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        if (Volatile.Read(ref _cancelNext) == 1 && Interlocked.Exchange(ref _cancelNext, 0) == 1)
        {
            result = Result(canceled: true);
            return true;
        }
        if (_end > _examined || _endOfStream)
        {
            result = Result(canceled: false);
            return true;
        }
        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null)
        {
            return;
        }
        if (!ReferenceEquals(consumed.GetObject(), _buffer) || !ReferenceEquals(examined.GetObject(), _buffer))
        {
            throw new InvalidOperationException("The positions do not belong to the last read's buffer.");
        }
        _start = consumed.GetInteger() & PositionIndexMask;
        _examined = examined.GetInteger() & PositionIndexMask;
        if (_start == _end)
        {
            ReleaseBuffer();
        }
    }

    public override void CancelPendingRead()
    {
        if (channel.CancelReadWait(ref _cancelNext))
        {
            Finish(Result(canceled: true));
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        ReleaseBuffer();
        channel.SideCompleted();
    }

    /// <summary>On the loop thread, which took the wait: receive what arrived and resume the reader.</summary>
    public void OnReadable()
    {
        ReserveReadSpace();
        var free = _buffer.Length - _end;
        var received = channel.Receive(_buffer.AsSpan(_end));
        if (received > 0)
        {
            _end += (int)received;
            while (received == free && !Pinned && _end - _start < MaxEagerReadBytes)
            {
                Grow();
                free = _buffer.Length - _end;
                received = channel.Receive(_buffer.AsSpan(_end));
                if (received <= 0)
                {
                    break; // Nothing more now (EAGAIN), or the end or an error, which the next read meets.
                }
                _end += (int)received;
            }
            Finish(Result(canceled: false));
            return;
        }
        if (received == 0)
        {
            _endOfStream = true;
            Finish(Result(canceled: false));
            return;
        }
        if (received != -Libc.EAgain)
        {
            Fail(new IOException($"recv failed with errno {-received}"));
            return;
        }
        if (_start == _end)
        {
            ReleaseBuffer(); // A wake-up with nothing to read: an idle connection keeps no buffer.
        }
        switch (channel.BeginReadWait(ref _cancelNext, _waitToken))
        {
            case WaitStart.Pending:
                return;
            case WaitStart.CanceledByReader:
                Finish(Result(canceled: true));
                return;
            case WaitStart.TokenCanceled:
                Fail(new OperationCanceledException(_waitToken));
                return;
            default:
                Fail(new ObjectDisposedException(nameof(SocketChannel)));
                return;
        }
    }

    /// <summary>Ends the waiting read with <paramref name="error"/>; the caller has taken the wait.</summary>
    public void Fail(Exception error)
    {
        _waitRegistration.Unregister();
        _pending.SetException(error);
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _pending.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _pending.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _pending.OnCompleted(continuation, state, token, flags);

    private void OnTokenFired()
    {
        if (channel.TakeReadWaitFor(_waitToken))
        {
            Fail(new OperationCanceledException(_waitToken));
        }
    }

    private void Finish(ReadResult result)
    {
        _waitRegistration.Unregister();
        _pending.SetResult(result);
    }

    private ReadResult Result(bool canceled) =>
        new(_buffer is null ? default : new ReadOnlySequence<byte>(_buffer, _start, _end - _start), canceled, _endOfStream);

    /// <summary>Room for at least <see cref="MinimumReadSize"/> bytes after the unread ones: rent, move them to the front, or grow.</summary>
    [MemberNotNull(nameof(_buffer))]
    private void ReserveReadSpace()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(_sizing.Next);
            _start = _end = _examined = 0;
            return;
        }
        if (_buffer.Length - _end >= MinimumReadSize || Pinned)
        {
            return;
        }
        Grow();
    }

    /// <summary>
    /// Moves the unread bytes to the front, into a larger buffer when they fill more than all but
    /// <see cref="MinimumReadSize"/> of this one or the request is known to be larger (<see cref="GrownLength"/>).
    /// </summary>
    [MemberNotNull(nameof(_buffer))]
    private void Grow()
    {
        Debug.Assert(_buffer is not null);
        var unread = _end - _start;
        var fits = _buffer.Length - unread >= MinimumReadSize && _buffer.Length >= _expectedUnread;
        var target = fits ? _buffer : ArrayPool<byte>.Shared.Rent(GrownLength(unread));
        _sizing.Grew(target.Length);
        Buffer.BlockCopy(_buffer, _start, target, 0, unread);
        if (!ReferenceEquals(target, _buffer))
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
        }
        _examined -= _start;
        _start = 0;
        _end = unread;
    }

    /// <summary>
    /// Twice this buffer; for a request known to be larger, eight times the bytes received so far (a request's header
    /// alone cannot make the connection reserve all it declares), or the request's own size once that step would come
    /// within half of it, rather than land just short and be copied once more. A 16 MiB request grows 256 KiB, 2 MiB,
    /// then its size.
    /// </summary>
    private int GrownLength(int unread)
    {
        Debug.Assert(_buffer is not null);
        long needed = unread + MinimumReadSize;
        var length = Math.Max(needed, 2L * _buffer.Length);
        if (_expectedUnread >= needed)
        {
            var step = Math.Max(length, 8L * unread);
            length = 2 * step >= _expectedUnread ? _expectedUnread : step;
        }
        return (int)Math.Min(length, Array.MaxLength);
    }

    private void ReleaseBuffer()
    {
        if (_buffer is not null)
        {
            _sizing.Released(_end, _buffer.Length);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
        _start = _end = _examined = 0;
        _expectedUnread = 0;
    }
}
