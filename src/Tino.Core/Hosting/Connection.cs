using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// One client connection: reads requests, parses every complete frame of a read, runs them,
/// and flushes their replies once per read, in request order.
/// </summary>
internal sealed partial class Connection
{
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly AppPipeline _app;
    private readonly TinoServer _server;
    private readonly ILogger _logger;
    private readonly RespLimits _limits;
    private readonly RespArguments _arguments = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly CommandContext _sequentialContext;
    private readonly Queue<(CommandContext Context, ValueTask Reply)> _inFlight = new();
    private readonly Stack<CommandContext> _idleContexts = new();
    private readonly bool _overlapCalls;
    private readonly int _maxInFlight;
    private bool _closeAfterReplies;

    public Connection(Socket socket, AppPipeline app, TinoServer server, ILogger logger)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: false));
        _app = app;
        _server = server;
        _logger = logger;
        _limits = app.App.Options.Limits;
        _maxInFlight = app.App.Options.MaxConcurrentCallsPerConnection;
        _overlapCalls = _maxInFlight > 1;
        Context = new ConnectionContext(socket.RemoteEndPoint, _closed.Token);
        _sequentialContext = new CommandContext(Context) { Output = _output, Serializer = app.Serializer };
    }

    public ConnectionContext Context { get; }

    public long Id => Context.Id;

    /// <summary>Serves the connection until the client leaves, a frame is refused, or the server stops.</summary>
    public async Task RunAsync()
    {
        ServerLog.ConnectionOpened(_logger, Id, Context.RemoteEndPoint);
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync().ConfigureAwait(false);
                if (read.IsCanceled)
                {
                    break; // The server is stopping; every request read before has been answered.
                }
                var buffer = read.Buffer;
                while (ProcessRequests(ref buffer, out var pending))
                {
                    await pending.ConfigureAwait(false);
                }
                await DrainInFlightAsync().ConfigureAwait(false);
                _input.AdvanceTo(buffer.Start, buffer.End);
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (_closeAfterReplies || read.IsCompleted || flush.IsCompleted)
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

    /// <summary>Asks the connection to finish the requests it has read and close.</summary>
    public void BeginStop() => _input.CancelPendingRead();

    /// <summary>Closes the connection now, cancelling its calls.</summary>
    public void Abort()
    {
        _closed.Cancel();
        _socket.Dispose();
    }

    /// <summary>
    /// Runs the complete requests at the start of <paramref name="buffer"/>, slicing off each one
    /// it has answered. Returns true with a task to await when a call cannot finish synchronously;
    /// the caller awaits it and calls again.
    /// </summary>
    private bool ProcessRequests(ref ReadOnlySequence<byte> buffer, out ValueTask pending)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (!_closeAfterReplies)
        {
            var status = RespRequestParser.TryRead(ref reader, _limits, _arguments, out var header, out var error);
            if (status == RespStatus.Incomplete)
            {
                break;
            }
            if (status == RespStatus.Error || !header.IsEmpty)
            {
                var appCommand = status == RespStatus.Complete ? FindAppCommand(header.Name) : null;
                if (appCommand is null && _inFlight.Count > 0)
                {
                    // Replies leave in request order: finish the calls in flight, then parse this request again.
                    pending = DrainInFlightAsync();
                    return true;
                }
                if (status == RespStatus.Error)
                {
                    RejectFrame(error);
                    break;
                }
                var mustAwait = appCommand is null ? RunBuiltinOrRefuse(header.Name, out pending) : RunCommand(appCommand, out pending);
                buffer = buffer.Slice(reader.Position);
                if (mustAwait)
                {
                    return true;
                }
                continue;
            }
            buffer = buffer.Slice(reader.Position);
        }
        pending = default;
        return false;
    }

    private CompiledCommand? FindAppCommand(in ReadOnlySequence<byte> name) =>
        _app.Commands.TryGet(name, out var command) ? command : null;

    private bool RunCommand(CompiledCommand command, out ValueTask pending)
    {
        if (_jsonCodec)
        {
            return CallWithJson(command, firstArgument: 0, out pending);
        }
        var context = _overlapCalls ? RentContext() : _sequentialContext;
        context.Command = command.Handler;
        context.Arguments = _arguments;
        var reply = command.Pipeline(context);
        if (!_overlapCalls)
        {
            pending = reply;
            if (!reply.IsCompletedSuccessfully)
            {
                return true;
            }
            reply.GetAwaiter().GetResult();
            return false;
        }
        if (reply.IsCompletedSuccessfully && _inFlight.Count == 0)
        {
            reply.GetAwaiter().GetResult();
            WriteReplyOf(context);
            pending = default;
            return false;
        }
        _inFlight.Enqueue((context, reply));
        pending = _inFlight.Count >= _maxInFlight ? CompleteOldestAsync() : default;
        return _inFlight.Count >= _maxInFlight;
    }

    private CommandContext RentContext() =>
        _idleContexts.TryPop(out var context)
            ? context
            : new CommandContext(Context) { Output = new ArrayBufferWriter<byte>(256), Serializer = _app.Serializer };

    private void WriteReplyOf(CommandContext context)
    {
        var reply = (ArrayBufferWriter<byte>)context.Output;
        _output.Write(reply.WrittenSpan);
        reply.ResetWrittenCount();
        _idleContexts.Push(context);
    }

    private async ValueTask CompleteOldestAsync()
    {
        var (context, reply) = _inFlight.Dequeue();
        await reply.ConfigureAwait(false);
        WriteReplyOf(context);
    }

    private async ValueTask DrainInFlightAsync()
    {
        while (_inFlight.Count > 0)
        {
            await CompleteOldestAsync().ConfigureAwait(false);
        }
    }

    private void RejectFrame(RespError error)
    {
        var code = error.Kind == RespErrorKind.Protocol ? ErrorCodes.ProtocolError : ErrorCodes.LimitExceeded;
        var detail = TinoException.JsonQuote(error.Message);
        RespWriter.WriteError(_output, System.Text.Encoding.ASCII.GetBytes(code), detail);
        ServerLog.ConnectionRejected(_logger, Id, code, error.Message);
        _closeAfterReplies = true;
    }

    private async ValueTask CloseAsync()
    {
        _closed.Cancel();
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
        ServerLog.ConnectionClosed(_logger, Id);
    }
}
