using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>
/// One socket shared by every caller: requests are appended to a buffer under a short lock and their
/// waits queued in the same order; one send loop writes whatever has piled up in a single write;
/// one receive loop matches each reply to the oldest wait.
/// </summary>
internal sealed class ClientConnection
{
    /// <summary>A send buffer that grew past this for one large request is let go afterwards.</summary>
    private const int RetainedBufferBytes = 1 << 20;

    /// <summary>
    /// A request this large is copied into a pooled array of its own outside the lock and queued by reference: copied
    /// into the shared buffer under the lock, it would hold the other callers up and grow the buffer by copies.
    /// </summary>
    private const int OwnArrayBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly object _sendLock = new();
    private readonly ConcurrentQueue<PendingReply> _waiting = new();
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<RespReply, bool>? _pushes;
    private ArrayBufferWriter<byte> _queued = new(4096);
    private ArrayBufferWriter<byte> _sending = new(4096);
    private List<LargeRequest> _queuedLarge = [];
    private List<LargeRequest> _sendingLarge = [];
    private bool _sendLoopRunning;
    private Exception? _failure;

    private ClientConnection(Socket socket, Stream stream, Func<RespReply, bool>? pushes)
    {
        _socket = socket;
        _stream = stream;
        _pushes = pushes;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        _ = ReceiveLoopAsync();
    }

    /// <summary>Completes with the reason once the connection is gone.</summary>
    public Task<Exception> Closed => _closed.Task;

    public bool IsOpen => Volatile.Read(ref _failure) is null;

    /// <param name="endPoint">The server.</param>
    /// <param name="host">The server's name, for TLS.</param>
    /// <param name="options">How to connect.</param>
    /// <param name="cancellationToken">Ends the attempt.</param>
    /// <param name="pushes">
    /// For a subscriber connection: sees every reply first and returns true for a push frame (a pub/sub message)
    /// that answers no request; null for an ordinary connection.
    /// </param>
    public static async Task<ClientConnection> OpenAsync(EndPoint endPoint, string host, TinoClientOptions options, CancellationToken cancellationToken, Func<RespReply, bool>? pushes = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        // A name (DnsEndPoint) may resolve to IPv4 or IPv6: a dual-mode socket takes either.
        var socket = endPoint.AddressFamily == AddressFamily.Unspecified
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        try
        {
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (options.UseTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(ForHost(options.Tls, host), timeout.Token).ConfigureAwait(false);
                stream = tls;
            }
            return new ClientConnection(socket, stream, pushes);
        }
        catch (Exception error)
        {
            socket.Dispose();
            if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new TinoConnectionException($"could not connect to {endPoint}: {error.Message}", error);
        }
    }

    /// <summary>
    /// The caller's TLS options with the server's name as target host when they name none: a copy,
    /// since one options object may serve clients of several hosts.
    /// </summary>
    private static SslClientAuthenticationOptions ForHost(SslClientAuthenticationOptions? given, string host) =>
        given is null
            ? new SslClientAuthenticationOptions { TargetHost = host }
            : new SslClientAuthenticationOptions
            {
                TargetHost = given.TargetHost ?? host,
                ClientCertificates = given.ClientCertificates,
                ClientCertificateContext = given.ClientCertificateContext,
                LocalCertificateSelectionCallback = given.LocalCertificateSelectionCallback,
                RemoteCertificateValidationCallback = given.RemoteCertificateValidationCallback,
                EnabledSslProtocols = given.EnabledSslProtocols,
                CertificateRevocationCheckMode = given.CertificateRevocationCheckMode,
                CertificateChainPolicy = given.CertificateChainPolicy,
                CipherSuitesPolicy = given.CipherSuitesPolicy,
                EncryptionPolicy = given.EncryptionPolicy,
                ApplicationProtocols = given.ApplicationProtocols,
                AllowRenegotiation = given.AllowRenegotiation,
                AllowTlsResume = given.AllowTlsResume,
            };

    /// <summary>Queues a request and the wait for its reply, in the same order.</summary>
    public void Send(PendingReply reply, ReadOnlySpan<byte> request)
    {
        if (!TrySend(reply, request))
        {
            reply.Fail(new TinoConnectionException("the connection is closed", Volatile.Read(ref _failure)));
        }
    }

    /// <summary>Queues the request and its wait; false, with nothing queued or written, when the connection is closed.</summary>
    public bool TrySend(PendingReply reply, ReadOnlySpan<byte> request)
    {
        byte[]? own = null;
        if (request.Length >= OwnArrayBytes)
        {
            own = ArrayPool<byte>.Shared.Rent(request.Length);
            request.CopyTo(own);
        }
        bool startSending;
        lock (_sendLock)
        {
            if (_failure is not null)
            {
                if (own is not null)
                {
                    ArrayPool<byte>.Shared.Return(own);
                }
                return false;
            }
            if (own is null)
            {
                _queued.Write(request);
            }
            else
            {
                _queuedLarge.Add(new LargeRequest(_queued.WrittenCount, own, request.Length));
            }
            _waiting.Enqueue(reply);
            reply.SentOn = this;
            startSending = !_sendLoopRunning;
            _sendLoopRunning = true;
        }
        if (startSending)
        {
            // Not inline: while the loop waits for a pool thread, other callers' requests join the same write.
            ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.SendLoopAsync(), this, preferLocal: false);
        }
        return true;
    }

    /// <summary>Fails every wait whose reply is older than <paramref name="timeout"/>; replies that come later are read and dropped.</summary>
    public void ExpireOlderThan(TimeSpan timeout)
    {
        foreach (var reply in _waiting)
        {
            if (Stopwatch.GetElapsedTime(reply.StartedAt) <= timeout)
            {
                return; // Waits queue in the order they started: the rest are younger.
            }
            reply.Fail(new TimeoutException($"no reply within {timeout.TotalMilliseconds:0} ms"));
        }
    }

    public void Close(Exception reason)
    {
        lock (_sendLock)
        {
            if (_failure is not null)
            {
                return;
            }
            _failure = reason;
        }
        _socket.Dispose();
        while (_waiting.TryDequeue(out var reply))
        {
            reply.Fail(reason as TinoConnectionException ?? new TinoConnectionException("the connection was lost", reason));
        }
        _closed.TrySetResult(reason);
    }

    private async Task SendLoopAsync()
    {
        while (true)
        {
            lock (_sendLock)
            {
                if ((_queued.WrittenCount == 0 && _queuedLarge.Count == 0) || _failure is not null)
                {
                    _sendLoopRunning = false;
                    return;
                }
                (_queued, _sending) = (_sending, _queued);
                (_queuedLarge, _sendingLarge) = (_sendingLarge, _queuedLarge);
            }
            try
            {
                await WriteSendingAsync().ConfigureAwait(false);
                await _stream.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception error)
            {
                Close(new TinoConnectionException("the connection was lost while sending", error));
                return;
            }
            if (_sending.Capacity > RetainedBufferBytes)
            {
                _sending = new ArrayBufferWriter<byte>(4096);
            }
            else
            {
                _sending.ResetWrittenCount();
            }
        }
    }

    /// <summary>The requests taken from the queue, in order: the small ones from the shared buffer, each large one from its own array.</summary>
    private async ValueTask WriteSendingAsync()
    {
        var small = _sending.WrittenMemory;
        var sent = 0;
        foreach (var large in _sendingLarge)
        {
            if (large.SmallBytesBefore > sent)
            {
                await _stream.WriteAsync(small[sent..large.SmallBytesBefore]).ConfigureAwait(false);
                sent = large.SmallBytesBefore;
            }
            await _stream.WriteAsync(large.Bytes.AsMemory(0, large.Length)).ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(large.Bytes);
        }
        _sendingLarge.Clear();
        if (small.Length > sent)
        {
            await _stream.WriteAsync(small[sent..]).ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        Exception reason;
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = read.Buffer;
                var problem = CompleteReplies(ref buffer);
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (problem is not null)
                {
                    reason = problem;
                    break;
                }
                if (read.IsCompleted)
                {
                    reason = new TinoConnectionException("the server closed the connection");
                    break;
                }
            }
        }
        catch (Exception error)
        {
            reason = new TinoConnectionException("the connection was lost", error);
        }
        await _input.CompleteAsync().ConfigureAwait(false);
        Close(reason);
    }

    private TinoConnectionException? CompleteReplies(ref ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (_pushes is null && _waiting.TryPeek(out var next) && next.DecodesInPlace)
            {
                // A typed call's value is decoded from the received bytes: no copy into an array of its own.
                var bulkStatus = RespReplyParser.TryReadBulkInPlace(ref reader, out var bulk, out var isBulk, out var bulkError);
                if (bulkStatus == RespStatus.Incomplete)
                {
                    return null;
                }
                if (bulkStatus == RespStatus.Error)
                {
                    return new TinoConnectionException($"the server sent bytes that are not RESP: {bulkError.Message}");
                }
                if (isBulk)
                {
                    buffer = buffer.Slice(reader.Position);
                    if (!_waiting.TryDequeue(out var caller))
                    {
                        return new TinoConnectionException("the server sent a reply nobody asked for");
                    }
                    caller.CompleteInPlace(bulk);
                    continue;
                }
            }
            var status = RespReplyParser.TryRead(ref reader, out var reply, out var error);
            if (status == RespStatus.Incomplete)
            {
                return null;
            }
            if (status == RespStatus.Error)
            {
                return new TinoConnectionException($"the server sent bytes that are not RESP: {error.Message}");
            }
            buffer = buffer.Slice(reader.Position);
            if (_pushes?.Invoke(reply) == true)
            {
                continue;
            }
            if (!_waiting.TryDequeue(out var waiting))
            {
                return new TinoConnectionException("the server sent a reply nobody asked for");
            }
            waiting.Complete(reply);
        }
    }
}

/// <summary>A large request queued in an array of its own, after the first <paramref name="SmallBytesBefore"/> bytes of the shared buffer.</summary>
internal readonly record struct LargeRequest(int SmallBytesBefore, byte[] Bytes, int Length);
