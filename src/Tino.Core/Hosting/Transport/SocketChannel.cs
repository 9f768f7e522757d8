using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tino.Hosting.Transport;

/// <summary>
/// A plain TCP connection served by an <see cref="EventLoop"/>: its reader and writer, and its epoll registration.
/// The registration is level-triggered and changed lazily: it stays as it is while the connection keeps waiting for
/// the same thing, so the common cycle (wait, read, answer, wait) costs one recv and one send, as in redis-server.
/// </summary>
internal sealed class SocketChannel
{
    private const uint ReadEvents = Libc.EpollIn | Libc.EpollRdHup;
    private const uint ReadWakers = ReadEvents | Libc.EpollErr | Libc.EpollHup;
    private const uint WriteWakers = Libc.EpollOut | Libc.EpollErr | Libc.EpollHup;

    private readonly SafeSocketHandle _handle;
    private readonly int _fd;
    private readonly EventLoop _loop;
    private readonly Lock _gate = new();
    private uint _registered;
    private bool _readWaiting;
    private bool _writeWaiting;
    private bool _closed;
    private int _openSides = 2;

    public SocketChannel(Socket socket)
    {
        socket.Blocking = false;
        _handle = socket.SafeHandle;
        _fd = (int)_handle.DangerousGetHandle();
        _loop = EventLoop.Next();
        (Slot, Generation) = _loop.Add(this);
        Input = new SocketChannelReader(this);
        Output = new SocketChannelWriter(this);
    }

    public int Slot { get; }

    public int Generation { get; }

    public SocketChannelReader Input { get; }

    public SocketChannelWriter Output { get; }

    /// <summary>Called on the loop thread: resumes whoever waits for what the event reports.</summary>
    public void OnEvents(uint events)
    {
        bool read = false, write = false;
        lock (_gate)
        {
            if (_writeWaiting && (events & WriteWakers) != 0)
            {
                _writeWaiting = false;
                write = true;
            }
            if (_readWaiting && (events & ReadWakers) != 0)
            {
                _readWaiting = false;
                read = true;
            }
            if (!read && !write)
            {
                // Nobody waits for this event, and a level-triggered event repeats until it is taken out.
                ApplyRegistration();
            }
        }
        if (write)
        {
            Output.OnWritable();
        }
        if (read)
        {
            Input.OnReadable();
        }
    }

    /// <summary>Waits for bytes to read; false when the connection is closed. The check runs under the gate that cancellation takes.</summary>
    public WaitStart BeginReadWait(ref int cancelNext, CancellationToken token)
    {
        lock (_gate)
        {
            if (Interlocked.Exchange(ref cancelNext, 0) == 1)
            {
                return WaitStart.CanceledByReader;
            }
            if (token.IsCancellationRequested)
            {
                return WaitStart.TokenCanceled;
            }
            _readWaiting = true;
            return ApplyRegistration() ? WaitStart.Pending : Abandon(ref _readWaiting);
        }
    }

    /// <summary>Waits until the socket takes more bytes.</summary>
    public WaitStart BeginWriteWait()
    {
        lock (_gate)
        {
            _writeWaiting = true;
            return ApplyRegistration() ? WaitStart.Pending : Abandon(ref _writeWaiting);
        }
    }

    /// <summary>CancelPendingRead: takes the read wait away from the loop, or, when nobody waits, cancels the next read.</summary>
    public bool CancelReadWait(ref int cancelNext)
    {
        lock (_gate)
        {
            if (_readWaiting)
            {
                _readWaiting = false;
                return true;
            }
            Volatile.Write(ref cancelNext, 1);
            return false;
        }
    }

    /// <summary>Takes the read wait away from the loop when <paramref name="token"/> has fired; false when the read already ended.</summary>
    public bool TakeReadWaitFor(CancellationToken token)
    {
        lock (_gate)
        {
            if (!_readWaiting || !token.IsCancellationRequested)
            {
                return false;
            }
            _readWaiting = false;
            return true;
        }
    }

    /// <summary>Ends every wait with an error: the connection is being torn down.</summary>
    public void Abort()
    {
        bool read, write;
        lock (_gate)
        {
            _closed = true;
            (read, write) = (_readWaiting, _writeWaiting);
            _readWaiting = _writeWaiting = false;
        }
        if (write)
        {
            Output.Fail(new ObjectDisposedException(nameof(SocketChannel)));
        }
        if (read)
        {
            Input.Fail(new ObjectDisposedException(nameof(SocketChannel)));
        }
    }

    /// <summary>The reader or the writer is done; when both are, the channel leaves its loop.</summary>
    public void SideCompleted()
    {
        if (Interlocked.Decrement(ref _openSides) != 0)
        {
            return;
        }
        lock (_gate)
        {
            _closed = true;
            _readWaiting = _writeWaiting = false;
            ApplyRegistration();
        }
        _loop.Remove(this);
    }

    /// <summary>recv into <paramref name="into"/>: the count, 0 at end of stream, or minus the errno.</summary>
    public nint Receive(Span<byte> into) => Transfer(into, receive: true);

    /// <summary>send from <paramref name="from"/>: the count, or minus the errno.</summary>
    public nint Send(ReadOnlySpan<byte> from) => Transfer(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(from), from.Length), receive: false);

    private nint Transfer(Span<byte> bytes, bool receive)
    {
        var added = false;
        try
        {
            // The reference keeps the descriptor from being closed, and its number reused, during the call.
            _handle.DangerousAddRef(ref added);
            while (true)
            {
                var count = receive
                    ? Libc.Receive(_fd, ref MemoryMarshal.GetReference(bytes), bytes.Length, Libc.MsgDontWait)
                    : Libc.Send(_fd, ref MemoryMarshal.GetReference(bytes), bytes.Length, Libc.MsgDontWait | Libc.MsgNoSignal);
                if (count >= 0)
                {
                    return count;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EIntr)
                {
                    return -errno;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return -Libc.EBadF;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Makes the registration match who waits now. Called under the gate; false when it cannot (closed socket).</summary>
    private bool ApplyRegistration()
    {
        var wanted = _closed ? 0 : (_readWaiting ? ReadEvents : 0) | (_writeWaiting ? Libc.EpollOut : 0);
        if (wanted == _registered)
        {
            return !_closed;
        }
        var operation = _registered == 0 ? Libc.EpollCtlAdd : wanted == 0 ? Libc.EpollCtlDel : Libc.EpollCtlMod;
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            if (_loop.Register(operation, _fd, wanted, Slot, Generation) != 0)
            {
                return false;
            }
            _registered = wanted;
            return !_closed;
        }
        catch (ObjectDisposedException)
        {
            _registered = 0; // Closing the descriptor took it out of epoll.
            return false;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private static WaitStart Abandon(ref bool waiting)
    {
        waiting = false;
        return WaitStart.Closed;
    }
}

/// <summary>How an attempt to wait for the socket ended.</summary>
internal enum WaitStart
{
    /// <summary>The loop resumes the waiter.</summary>
    Pending,

    /// <summary>The reader's pending read was cancelled before it began.</summary>
    CanceledByReader,

    /// <summary>The caller's token fired before the wait began.</summary>
    TokenCanceled,

    /// <summary>The connection is closed.</summary>
    Closed,
}
