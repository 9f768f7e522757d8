using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tino.Hosting.Commands;
using Tino.Hosting.Transport;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// One client connection, the bytes of it: reads requests, parses every complete frame of a read, finds each one's
/// command in the server's table and runs it, and flushes their replies once per read, in request order. What the
/// requests change (auth, codec, cursors, subscriptions) lives in its <see cref="Session"/>.
/// </summary>
internal sealed partial class Connection
{
    private readonly Socket _socket;
    private readonly SocketChannel? _channel;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly AppPipeline _app;
    private readonly ServerCommands _commands;
    private readonly Session _session;
    private readonly ILogger _logger;
    private readonly RespLimits _limits;
    private readonly RespArguments _arguments = new();
    private readonly CancellationTokenSource _closed;
    private readonly bool _expectsPlaintext;
    private readonly Queue<(CommandContext Context, ValueTask Reply)> _inFlight = new();
    private readonly Stack<CommandContext> _idleContexts = new();
    private readonly bool _overlapCalls;
    private readonly int _maxInFlight;
    private readonly RespLimits _limitsBeforeAuth;
    private readonly RespArgumentSkipper _skipper = new();
    private readonly ReadDeadline _deadline;
    private readonly CancelScanner _cancels;
    private readonly long _maxQueuedReplyBytes;
    private long _unreadRequestBytes;
    private volatile bool _stopping;
    private bool _refusing;

    /// <summary>The first byte of a TLS ClientHello, which no RESP request starts with.</summary>
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>A connection over a stream: TLS, or plain TCP where the event loop is not available.</summary>
    public Connection(Socket socket, Stream stream, ConnectionContext context, CancellationTokenSource closed, TinoServer server, ILogger logger)
        : this(socket, null, PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: false)), stream is NetworkStream,
            context, closed, server, logger)
    {
    }

    /// <summary>A plain TCP connection served by an event loop.</summary>
    public Connection(Socket socket, SocketChannel channel, ConnectionContext context, CancellationTokenSource closed, TinoServer server, ILogger logger)
        : this(socket, channel, channel.Input, channel.Output, expectsPlaintext: true, context, closed, server, logger)
    {
    }

    private Connection(Socket socket, SocketChannel? channel, PipeReader input, PipeWriter output, bool expectsPlaintext, ConnectionContext context,
        CancellationTokenSource closed, TinoServer server, ILogger logger)
    {
        var app = server.Commands.App;
        _socket = socket;
        _channel = channel;
        _expectsPlaintext = expectsPlaintext;
        _input = input;
        _output = output;
        _app = app;
        _commands = server.Commands;
        _logger = logger;
        _limits = app.App.Options.Limits;
        _maxInFlight = app.App.Options.MaxConcurrentCallsPerConnection;
        _overlapCalls = _maxInFlight > 1;
        var options = server.Options;
        _limitsBeforeAuth = _limits with { MaxRequestBytes = Math.Min(_limits.MaxRequestBytes, options.MaxRequestBytesBeforeAuth) };
        _deadline = new ReadDeadline(options.RequestTimeout, options.IdleTimeout);
        _cancels = new CancelScanner(_commands, context);
        _maxQueuedReplyBytes = options.MaxQueuedReplyBytes;
        Context = context;
        _closed = closed;
        _session = new Session(output, context, _commands, server, logger, input.CancelPendingRead, Abort);
    }

    public ConnectionContext Context { get; }

    public long Id => Context.Id;

    /// <summary>Serves the connection until the client leaves, a frame is refused, a deadline passes, or the server stops.</summary>
    public async Task RunAsync()
    {
        ServerLog.ConnectionOpened(_logger, Id, Context.RemoteEndPoint);
        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await _input.ReadAsync(_deadline.Arm(_stopping, _session.IsSubscribed)).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_deadline.Passed)
                {
                    _deadline.Log(_logger, Id, _stopping);
                    break;
                }
                // Requests read after the stop began are refused; those read before it still run.
                _refusing = _stopping;
                Context.LastReadAt = Stopwatch.GetTimestamp();
                var buffer = read.Buffer;
                if (_expectsPlaintext && !_deadline.InRequest && buffer.FirstSpan is [TlsHandshakeRecord, ..])
                {
                    ServerLog.ConnectionRejected(_logger, Id, "TLS on a plain port", "the client began a TLS handshake; this port serves plain TCP");
                    break;
                }
                while (true)
                {
                    if (ProcessRequests(ref buffer, out var pending))
                    {
                        if (pending.IsCompleted)
                        {
                            await pending.ConfigureAwait(false);
                            continue;
                        }
                    }
                    else if (_inFlight.Count > 0)
                    {
                        // Overlapping calls still running: their replies go out with this read's, in order.
                        pending = DrainInFlightAsync();
                    }
                    else
                    {
                        break;
                    }
                    read = await AwaitReadingAheadAsync(pending, read, buffer.Start).ConfigureAwait(false);
                    buffer = read.Buffer.Slice(buffer.Start);
                }
                _deadline.Track(buffer, _skipper.IsActive);
                var consumed = read.Buffer.Length - buffer.Length;
                TinoTelemetry.Received(consumed);
                _cancels.Consumed(consumed);
                _input.AdvanceTo(buffer.Start, buffer.End);
                _channel?.Input.ExpectUnreadBytes(_unreadRequestBytes);
                TinoTelemetry.Sent(_output.UnflushedBytes);
                _session.WriteQueuedEvents();
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (_session.CloseAfterReplies || read.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            ServerLog.ConnectionFaulted(_logger, Id, error);
        }
        catch (Exception error)
        {
            ServerLog.ConnectionCrashed(_logger, Id, error);
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Asks the connection to finish the requests it has read, refuse later ones with SHUTTING_DOWN,
    /// and close once its client has gone quiet.
    /// </summary>
    public void BeginStop()
    {
        _stopping = true;
        _input.CancelPendingRead();
    }

    /// <summary>Closes the connection now, cancelling its calls.</summary>
    public void Abort()
    {
        _closed.Cancel();
        _channel?.Abort();
        _socket.Dispose();
    }

    /// <summary>
    /// Runs the complete requests at the start of <paramref name="buffer"/>, slicing off each one it has
    /// answered. A request is judged from its header first: a refused one is answered at once and its
    /// arguments are skipped as they arrive, never buffered. Returns true with a task to await when a
    /// call (or a flush) cannot finish synchronously; the caller awaits it and calls again.
    /// </summary>
    private bool ProcessRequests(ref ReadOnlySequence<byte> buffer, out ValueTask pending)
    {
        var reader = new SequenceReader<byte>(buffer);
        long answered = 0;
        bool mustAwait;
        DeferredWakes.Begin();
        try
        {
            mustAwait = ProcessRequests(ref reader, ref answered, out pending);
        }
        finally
        {
            DeferredWakes.End();
        }

        // Sliced once, by offset, rather than at each request's position: cheaper, the same bytes left.
        if (answered > 0)
        {
            buffer = buffer.Slice(answered);
        }
        return mustAwait;
    }

    /// <summary>
    /// The loop of <see cref="ProcessRequests(ref ReadOnlySequence{byte}, out ValueTask)"/>: <paramref name="answered"/>
    /// is set to how many bytes of the buffer the requests answered (or skipped) so far take.
    /// </summary>
    private bool ProcessRequests(ref SequenceReader<byte> reader, ref long answered, out ValueTask pending)
    {
        pending = default;
        _unreadRequestBytes = 0;
        while (!_session.CloseAfterReplies)
        {
            var limits = CurrentLimits;
            if (_skipper.IsActive)
            {
                var skipped = _skipper.Skip(ref reader, limits, out var skipError);
                answered = reader.Consumed;
                if (skipped == RespStatus.Error)
                {
                    // The request was answered already: a breach in its skipped body closes without a second reply.
                    ServerLog.ConnectionRejected(_logger, Id, "skipped request", skipError.Message);
                    _session.CloseAfterReplies = true;
                }
                if (skipped != RespStatus.Complete)
                {
                    return false;
                }
                continue;
            }
            var status = RespRequestParser.TryReadHeader(ref reader, limits, out var header, out var error);
            if (status == RespStatus.Incomplete)
            {
                return false;
            }
            if (status == RespStatus.Complete && header.IsEmpty)
            {
                answered = reader.Consumed;
                continue;
            }
            var command = status == RespStatus.Complete ? _commands.Find(header.Name) : null;
            // In the subscribed state an app command is answered as a built-in is: refused, once its arguments are read.
            var call = _session.IsSubscribed ? null : command?.App;
            var refused = status == RespStatus.Complete
                && (_refusing || (call is { RequiresAuth: true } && !Context.IsAuthenticated));
            if ((call is null || refused) && _inFlight.Count > 0)
            {
                // Replies leave in request order: finish the calls in flight, then parse this request again.
                pending = DrainInFlightAsync();
                return true;
            }
            if (status == RespStatus.Error)
            {
                RejectFrame(error);
                return false;
            }
            if (refused)
            {
                var code = _refusing ? ErrorCodes.ShuttingDown : ErrorCodes.PermissionDenied;
                RespWriter.WriteError(_output, code, _refusing ? default : CommandError.NotAuthenticatedDetail);
                if (call is not null)
                {
                    TinoTelemetry.CallRefused(call.Handler.Name, code);
                }
                _skipper.Start(header);
                answered = reader.Consumed;
                continue;
            }
            status = RespRequestParser.TryReadArguments(ref reader, header, limits, _arguments, out error, out _unreadRequestBytes);
            if (status == RespStatus.Incomplete)
            {
                return false; // The header is read again with the rest of the request.
            }
            if (status == RespStatus.Error)
            {
                if (_inFlight.Count > 0)
                {
                    pending = DrainInFlightAsync();
                    return true;
                }
                RejectFrame(error);
                return false;
            }
            var mustAwait = call is null ? RunBuiltin(command, header.Name, out pending) : RunCommand(call, out pending);
            answered = reader.Consumed;
            if (mustAwait)
            {
                return true;
            }
            if (_output.UnflushedBytes > _maxQueuedReplyBytes)
            {
                // A client that does not read: its replies go out before any more of its requests are read.
                pending = FlushRepliesAsync();
                return true;
            }
        }
        return false;
    }

    /// <summary>Before AUTH, an app whose every command needs auth reads no more than a small request.</summary>
    private RespLimits CurrentLimits =>
        _app.AllCommandsRequireAuth && !Context.IsAuthenticated ? _limitsBeforeAuth : _limits;

    private async ValueTask FlushRepliesAsync()
    {
        TinoTelemetry.Sent(_output.UnflushedBytes);
        await _output.FlushAsync().ConfigureAwait(false);
    }

    private void RejectFrame(RespError error)
    {
        var code = error.Kind == RespErrorKind.Protocol ? ErrorCodes.ProtocolError : ErrorCodes.LimitExceeded;
        var detail = TinoException.JsonQuote(error.Message);
        RespWriter.WriteError(_output, code, detail);
        ServerLog.ConnectionRejected(_logger, Id, code, error.Message);
        _session.CloseAfterReplies = true;
    }

    private async ValueTask CloseAsync()
    {
        _closed.Cancel();
        _session.End();
        await _input.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is gone; there is nobody left to flush to.
        }
        _socket.Dispose();
        _deadline.Dispose();
        ServerLog.ConnectionClosed(_logger, Id);
    }
}
