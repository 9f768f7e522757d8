using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Net;
using System.Text;
using MessagePack;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Client;

/// <summary>
/// A connection to a Tino server (or any RESP server) that any number of callers share: calls are
/// pipelined on one socket, their writes coalesced, their replies matched in order. A lost
/// connection fails the calls in flight at once and is made again with backoff, AUTH included.
/// </summary>
/// <example><code>
/// await using var client = await TinoClient.ConnectAsync("redis://127.0.0.1:7534");
/// long three = await client.CallAsync&lt;long&gt;("add", 1, 2);
/// </code></example>
public sealed partial class TinoClient : ITinoClient
{
    private static readonly ConcurrentDictionary<string, byte[]> s_commandNames = new();

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_request;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_value;

    private readonly EndPoint _endPoint;
    private readonly string _host;
    private readonly TinoClientOptions _options;
    private readonly MessagePackSerializerOptions _serializer;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Timer? _callTimeouts;
    private readonly FrozenDictionary<string, int>? _knownCommands;
    private readonly ClientLink _link;
    private readonly CallPipeline? _pipeline;
    private long _lastCallId;

    private TinoClient(EndPoint endPoint, string host, TinoClientOptions options, ClientConnection connection)
    {
        _endPoint = endPoint;
        _host = host;
        _options = options;
        _serializer = options.Serializer ?? TinoMessagePack.DefaultOptions;
        _link = new ClientLink(connection, endPoint, host, options, _disposing.Token);
        _knownCommands = options.KnownCommands?.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _pipeline = CallPipeline.For(options, SendAsync);
        if (options.CallTimeout != Timeout.InfiniteTimeSpan)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(options.CallTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
            _callTimeouts = new Timer(static state => ((TinoClient)state!).ExpireCalls(), this, period, period);
        }
        _ = _link.KeepConnectedAsync();
    }

    /// <summary>The server's address.</summary>
    public EndPoint EndPoint => _endPoint;

    /// <summary>Whether the connection is up; calls made while it is down fail at once with <see cref="TinoConnectionException"/>.</summary>
    public bool IsConnected => _link.Current.IsOpen;

    /// <summary>
    /// Connects to <c>redis://[user:password@]host[:port]</c>, or <c>rediss://</c> for TLS (port 6379 when none is given).
    /// Credentials in the URI are used unless <paramref name="options"/> has its own.
    /// </summary>
    /// <exception cref="TinoConnectionException">The server could not be reached.</exception>
    /// <exception cref="TinoAuthenticationException">The server refused the credentials.</exception>
    public static Task<TinoClient> ConnectAsync(string uri, TinoClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return ConnectAsync(new Uri(uri), options, cancellationToken);
    }

    /// <inheritdoc cref="ConnectAsync(string, TinoClientOptions?, CancellationToken)"/>
    public static Task<TinoClient> ConnectAsync(Uri uri, TinoClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var (endPoint, merged) = ClientConnector.FromUri(uri, options ?? TinoClientOptions.Default);
        return ConnectAsync(endPoint, uri.Host, merged, cancellationToken);
    }

    /// <summary>Connects to <paramref name="endPoint"/>.</summary>
    /// <exception cref="TinoConnectionException">The server could not be reached.</exception>
    /// <exception cref="TinoAuthenticationException">The server refused the credentials.</exception>
    public static Task<TinoClient> ConnectAsync(EndPoint endPoint, TinoClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var host = endPoint switch { DnsEndPoint dns => dns.Host, IPEndPoint ip => ip.Address.ToString(), _ => endPoint.ToString() ?? "" };
        return ConnectAsync(endPoint, host, options ?? TinoClientOptions.Default, cancellationToken);
    }

    private static async Task<TinoClient> ConnectAsync(EndPoint endPoint, string host, TinoClientOptions options, CancellationToken cancellationToken)
    {
        var connection = await ClientConnector.OpenAsync(endPoint, host, options, cancellationToken).ConfigureAwait(false);
        return new TinoClient(endPoint, host, options, connection);
    }

    /// <summary>Calls <paramref name="command"/> with MessagePack arguments and decodes the MessagePack reply as <typeparamref name="T"/>.</summary>
    /// <exception cref="TinoRemoteException">The server replied an error; subclasses name the common kinds.</exception>
    /// <exception cref="TinoConnectionException">The connection was lost before the reply came.</exception>
    public ValueTask<T> CallAsync<T>(string command, params ReadOnlySpan<TinoArg> arguments) =>
        CallAsync<T>(command, CancellationToken.None, arguments);

    /// <inheritdoc cref="CallAsync{T}(string, ReadOnlySpan{TinoArg})"/>
    /// <param name="command">The command's name.</param>
    /// <param name="cancellationToken">Ends the wait at once and asks the server to cancel the handler (<c>TINO.CANCEL</c>); the reply is still read, and dropped, when it comes.</param>
    /// <param name="arguments">The arguments, in order.</param>
    public ValueTask<T> CallAsync<T>(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments)
    {
        if (_pipeline is not null)
        {
            TinoCall call;
            try
            {
                call = NewCall(_pipeline, command, arguments, cancellationToken);
            }
            catch (Exception error)
            {
                return ValueTask.FromException<T>(error);
            }
            return _pipeline.CallAsync<T>(call, _serializer);
        }
        ArrayBufferWriter<byte> request;
        Activity? span;
        long? id;
        try
        {
            id = CallIdFor(cancellationToken);
            request = WriteRequest(command, arguments, id, out span);
        }
        catch (Exception error)
        {
            return ValueTask.FromException<T>(error);
        }
        return Send(command, request, span, id, ReplyDecoder<T>.Decode, cancellationToken, ReplyDecoder<T>.DecodeError, ReplyDecoder<T>.DecodeBulk).Task;
    }

    /// <summary>Calls <paramref name="command"/> for its effect: the reply's value, nil or not, is not decoded.</summary>
    /// <inheritdoc cref="CallAsync{T}(string, ReadOnlySpan{TinoArg})" path="/exception"/>
    public ValueTask CallAsync(string command, params ReadOnlySpan<TinoArg> arguments) =>
        CallAsync(command, CancellationToken.None, arguments);

    /// <inheritdoc cref="CallAsync(string, ReadOnlySpan{TinoArg})"/>
    /// <param name="command">The command's name.</param>
    /// <param name="cancellationToken">Ends the wait at once and asks the server to cancel the handler (<c>TINO.CANCEL</c>); the reply is still read, and dropped, when it comes.</param>
    /// <param name="arguments">The arguments, in order.</param>
    public ValueTask CallAsync(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments)
    {
        if (_pipeline is not null)
        {
            try
            {
                return new ValueTask(_pipeline.CallRawAsync(NewCall(_pipeline, command, arguments, cancellationToken)).AsTask());
            }
            catch (Exception error)
            {
                return ValueTask.FromException(error);
            }
        }
        ArrayBufferWriter<byte> request;
        Activity? span;
        long? id;
        try
        {
            id = CallIdFor(cancellationToken);
            request = WriteRequest(command, arguments, id, out span);
        }
        catch (Exception error)
        {
            return ValueTask.FromException(error);
        }
        return Send(command, request, span, id, static (reply, _) => RequireBulk(reply) is not null, cancellationToken).VoidTask;
    }

    /// <summary>Calls <paramref name="command"/> with arguments that are already MessagePack and returns the reply's MessagePack bytes.</summary>
    public ValueTask<ReadOnlyMemory<byte>> CallRawAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default)
    {
        ArrayBufferWriter<byte> request;
        Activity? span;
        long? id;
        try
        {
            ArgumentNullException.ThrowIfNull(arguments);
            Check(command, arguments.Count);
            if (_pipeline is not null)
            {
                return _pipeline.CallRawAsync(_pipeline.NewCall(command, arguments, cancellationToken));
            }
            span = TinoTelemetry.StartClientCall(command, _endPoint);
            id = CallIdFor(cancellationToken);
            request = WriteRawRequest(command, arguments, OutgoingContext.For(span, _options, _options.Metadata, id));
        }
        catch (Exception error)
        {
            return ValueTask.FromException<ReadOnlyMemory<byte>>(error);
        }
        return Send(command, request, span, id, static (reply, _) => RequireBulk(reply).Bytes, cancellationToken).Task;
    }

    /// <summary>
    /// Sends any RESP command with raw argument bytes (not MessagePack) and returns the reply as it came:
    /// <c>PING</c>, <c>ECHO</c>, <c>INFO</c>, or a command of a plain Redis server. Error replies still throw.
    /// </summary>
    public ValueTask<RespReply> ExecuteAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default) =>
        Send(command, WriteRawRequest(command, arguments, context: default), TinoTelemetry.StartClientCall(command, _endPoint), cancelId: null, static (reply, _) => reply, cancellationToken).Task;

    /// <summary>Closes the connection; calls in flight fail with <see cref="TinoConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_callTimeouts is not null)
        {
            await _callTimeouts.DisposeAsync().ConfigureAwait(false);
        }
        _link.Current.Close(new TinoConnectionException("the client was disposed"));
        CloseSubscriptions();
    }

    /// <summary>
    /// Writes a call: checked against <see cref="TinoClientOptions.KnownCommands"/>, its client span started, its call
    /// context and its arguments encoded as MessagePack.
    /// </summary>
    private ArrayBufferWriter<byte> WriteRequest(string command, ReadOnlySpan<TinoArg> arguments, long? id, out Activity? span)
    {
        Check(command, arguments.Length);
        span = TinoTelemetry.StartClientCall(command, _endPoint);
        try
        {
            var context = OutgoingContext.For(span, _options, _options.Metadata, id);
            var request = StartRequest(command, arguments.Length, context);
            WriteArguments(request, arguments);
            return request;
        }
        catch (Exception error)
        {
            if (span is not null)
            {
                TinoTelemetry.EndClientCall(span, error.GetType().Name);
            }
            throw;
        }
    }

    /// <summary>
    /// Refuses, before anything is sent, a call that <see cref="TinoClientOptions.KnownCommands"/> says the server would
    /// refuse: with the exception its error reply would have become.
    /// </summary>
    private void Check(string command, int argumentCount)
    {
        if (_knownCommands is null)
        {
            return;
        }
        ArgumentNullException.ThrowIfNull(command);
        if (!_knownCommands.TryGetValue(command, out var arity))
        {
            throw new TinoCommandNotFoundException($"no command {command} (checked by the client)", command);
        }
        if (arity != argumentCount)
        {
            var detail = $"expected {arity} got {argumentCount}";
            throw new TinoArgumentException(ErrorCodes.NumArgMismatch, detail, detail, null, null);
        }
    }

    /// <param name="command">The command's name.</param>
    /// <param name="argumentCount">How many arguments follow.</param>
    /// <param name="context">The call context, written before the arguments unless it is empty.</param>
    /// <param name="sizeHint">The request's size when it is known: a large one gets a buffer of that size at once, not one
    /// grown from 256 bytes by copies (and let go after the call, as any buffer over 1 MiB is).</param>
    private ArrayBufferWriter<byte> StartRequest(string command, int argumentCount, OutgoingContext context, int sizeHint = 0)
    {
        var request = StartRequest(command, argumentCount + (context.IsEmpty ? 0 : 1), sizeHint);
        if (!context.IsEmpty)
        {
            context.Write(request);
        }
        return request;
    }

    /// <inheritdoc cref="StartRequest(string, int, OutgoingContext, int)"/>
    private ArrayBufferWriter<byte> StartRequest(string command, int argumentCount, int sizeHint = 0)
    {
        ArgumentNullException.ThrowIfNull(command);
        var request = t_request is { } cached && cached.Capacity >= sizeHint
            ? cached
            : t_request = new ArrayBufferWriter<byte>(Math.Max(256, sizeHint));
        request.ResetWrittenCount();
        RespWriter.WriteArrayHeader(request, 1 + argumentCount);
        RespWriter.WriteBulkString(request, s_commandNames.GetOrAdd(command, static name => Encoding.UTF8.GetBytes(name)));
        return request;
    }

    private ArrayBufferWriter<byte> WriteRawRequest(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, OutgoingContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(arguments);
        // '*', '$' and their counts with CRLFs: at most 16 bytes each, then the name and the arguments themselves.
        long size = 16 + 16 + Encoding.UTF8.GetMaxByteCount(command.Length);
        foreach (var argument in arguments)
        {
            size += 16 + argument.Length;
        }
        var request = StartRequest(command, arguments.Count, context, (int)Math.Min(size, Array.MaxLength));
        foreach (var argument in arguments)
        {
            RespWriter.WriteBulkString(request, argument.Span);
        }
        return request;
    }

    private PendingReply<T> Send<T>(
        string command,
        ArrayBufferWriter<byte> request,
        Activity? span,
        long? cancelId,
        Func<RespReply, MessagePackSerializerOptions, T> decode,
        CancellationToken cancellationToken,
        Func<TinoRemoteException, MessagePackSerializerOptions, T>? decodeError = null,
        BulkDecoder<T>? decodeBulk = null)
    {
        var pending = new PendingReply<T>(decode, _serializer, cancellationToken)
        {
            Command = command,
            DecodeError = decodeError,
            DecodeBulk = decodeBulk,
            Activity = span,
            CancelId = cancelId,
        };
        _link.Send(pending, request.WrittenSpan, cancellationToken);
        Shrink(ref t_request);
        return pending;
    }

    internal static RespReply RequireBulk(RespReply reply) =>
        reply.Kind == RespReplyKind.BulkString
            ? reply
            : throw new InvalidDataException($"expected a bulk string holding MessagePack, got {reply}");

    /// <summary>Lets go of a per-thread buffer that one large request grew.</summary>
    private static void Shrink(ref ArrayBufferWriter<byte>? buffer)
    {
        if (buffer is { Capacity: > 1 << 20 })
        {
            buffer = null;
        }
    }

    private void ExpireCalls() => _link.Current.ExpireOlderThan(_options.CallTimeout);
}
