using System.Collections.Frozen;
using MessagePack;
using Polly;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>
/// A client's middleware and resilience, composed once around the handler that sends a call: the app's middleware in
/// order, then the resilience pipeline, which runs only for idempotent calls. A client without either has none and
/// calls the way it always did, encoding straight into its request.
/// </summary>
internal sealed class CallPipeline
{
    private static readonly IReadOnlyDictionary<string, string> s_noMetadata = new Dictionary<string, string>();

    private readonly TinoCallHandler _handler;
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly FrozenSet<string>? _idempotent;

    private CallPipeline(TinoCallHandler handler, TinoClientOptions options)
    {
        _handler = handler;
        _metadata = options.Metadata ?? s_noMetadata;
        _idempotent = options.IdempotentCommands?.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The pipeline <paramref name="options"/> ask for around <paramref name="send"/>, or null when they ask for none.</summary>
    public static CallPipeline? For(TinoClientOptions options, TinoCallHandler send)
    {
        if (options.Middleware is not { Count: > 0 } && options.Resilience is null)
        {
            return null;
        }
        var handler = options.Resilience is { } resilience ? Resilient(resilience, send) : send;
        for (var i = (options.Middleware?.Count ?? 0) - 1; i >= 0; i--)
        {
            handler = options.Middleware![i](handler);
        }
        return new CallPipeline(handler, options);
    }

    /// <summary>A call of <paramref name="command"/> as the middleware first sees it.</summary>
    public TinoCall NewCall(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken) =>
        new(command, arguments)
        {
            Metadata = _metadata,
            IsIdempotent = _idempotent?.Contains(command) == true,
            CancellationToken = cancellationToken,
        };

    /// <summary>Runs <paramref name="call"/> through the pipeline and gives the reply's MessagePack.</summary>
    public ValueTask<ReadOnlyMemory<byte>> CallRawAsync(TinoCall call) => _handler(call);

    /// <summary>Runs <paramref name="call"/> through the pipeline and decodes its reply as <typeparamref name="T"/>, as a plain call would.</summary>
    public async ValueTask<T> CallAsync<T>(TinoCall call, MessagePackSerializerOptions serializer)
    {
        ReadOnlyMemory<byte> reply;
        try
        {
            reply = await _handler(call).ConfigureAwait(false);
        }
        catch (TinoRemoteException error) when (ReplyDecoder<T>.DecodeError is { } decodeError)
        {
            return decodeError(error, serializer);
        }
        return ReplyDecoder<T>.Decode(RespReply.BulkString(reply), serializer);
    }

    /// <summary>The MessagePack of each argument, owned: a pipeline may send them more than once, after the caller has moved on.</summary>
    public static ReadOnlyMemory<byte>[] Encode(ReadOnlySpan<TinoArg> arguments, MessagePackSerializerOptions serializer)
    {
        var encoded = new ReadOnlyMemory<byte>[arguments.Length];
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        for (var i = 0; i < arguments.Length; i++)
        {
            buffer.ResetWrittenCount();
            var writer = new MessagePackWriter(buffer);
            arguments[i].WriteTo(ref writer, serializer);
            writer.Flush();
            encoded[i] = buffer.WrittenSpan.ToArray();
        }
        return encoded;
    }

    private static TinoCallHandler Resilient(ResiliencePipeline<ReadOnlyMemory<byte>> resilience, TinoCallHandler send) =>
        call => call.IsIdempotent
            ? resilience.ExecuteAsync(
                static (state, token) => state.send(state.call with { CancellationToken = token }),
                (send, call),
                call.CancellationToken)
            : send(call);
}
