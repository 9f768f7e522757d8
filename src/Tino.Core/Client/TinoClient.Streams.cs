using System.Buffers;
using MessagePack;
using Tino.Protocol;

namespace Tino.Client;

public sealed partial class TinoClient
{
    /// <summary>
    /// Reads the stream command <paramref name="command"/> (PROTOCOL.md section 6) item by item: <c>ITER</c> opens a
    /// cursor, and <c>NEXT</c> requests are kept in flight ahead of the reader (<see cref="TinoClientOptions.StreamRequestsInFlight"/>,
    /// <see cref="TinoClientOptions.StreamBatchSize"/>), so a stream costs about one round trip per batch. Each
    /// enumeration calls the command again. Leaving early (<c>break</c>, disposing, cancelling) sends <c>CLOSE</c>,
    /// which fires the producer's cancellation token on the server.
    /// </summary>
    /// <example><code>
    /// await foreach (var i in client.StreamAsync&lt;int&gt;("range", 1_000_000)) { ... }
    /// </code></example>
    /// <exception cref="TinoRemoteException">While enumerating: the server replied an error (the call's, or the producer's).</exception>
    /// <exception cref="TinoConnectionException">While enumerating: the connection was lost, or the server shut down (its SHUTTING_DOWN reply inside); a cursor does not survive either.</exception>
    public IAsyncEnumerable<T> StreamAsync<T>(string command, params ReadOnlySpan<TinoArg> arguments) =>
        StreamAsync<T>(command, CancellationToken.None, arguments);

    /// <inheritdoc cref="StreamAsync{T}(string, ReadOnlySpan{TinoArg})"/>
    /// <param name="command">The command's name.</param>
    /// <param name="cancellationToken">Ends every enumeration of the stream (as the token given to each enumeration does): the reader sees <see cref="OperationCanceledException"/> and the cursor is closed.</param>
    /// <param name="arguments">The arguments, in order.</param>
    public IAsyncEnumerable<T> StreamAsync<T>(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments)
    {
        ArgumentNullException.ThrowIfNull(command);
        var request = StartRequest("ITER", 1 + arguments.Length);
        RespWriter.WriteBulkString(request, s_commandNames.GetOrAdd(command, static name => System.Text.Encoding.UTF8.GetBytes(name)));
        WriteArguments(request, arguments);
        var iter = request.WrittenSpan.ToArray();
        Shrink(ref t_request);
        return new ClientStream<T>(this, iter, static (bytes, options) => MessagePackSerializer.Deserialize<T>(bytes, options), cancellationToken);
    }

    /// <summary>
    /// <see cref="StreamAsync{T}(string, ReadOnlySpan{TinoArg})"/> with arguments that are already MessagePack, giving each
    /// item's MessagePack bytes undecoded: the entry point for code that calls streams by reflection (typed proxies).
    /// </summary>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> StreamRawAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(arguments);
        var request = StartRequest("ITER", 1 + arguments.Count);
        RespWriter.WriteBulkString(request, s_commandNames.GetOrAdd(command, static name => System.Text.Encoding.UTF8.GetBytes(name)));
        foreach (var argument in arguments)
        {
            RespWriter.WriteBulkString(request, argument.Span);
        }
        var iter = request.WrittenSpan.ToArray();
        Shrink(ref t_request);
        return new ClientStream<ReadOnlyMemory<byte>>(this, iter, static (bytes, _) => bytes, cancellationToken);
    }

    /// <summary>Writes each argument as a bulk string holding its MessagePack.</summary>
    private void WriteArguments(ArrayBufferWriter<byte> request, ReadOnlySpan<TinoArg> arguments)
    {
        var value = t_value ??= new ArrayBufferWriter<byte>(256);
        foreach (var argument in arguments)
        {
            value.ResetWrittenCount();
            var writer = new MessagePackWriter(value);
            argument.WriteTo(ref writer, _serializer);
            writer.Flush();
            RespWriter.WriteBulkString(request, value.WrittenSpan);
        }
        Shrink(ref t_value);
    }

    /// <summary>The connection a stream's requests go on; a cursor lives on one connection, so a stream pins it.</summary>
    internal ClientConnection CurrentConnection => _link.Current;

    internal TinoClientOptions Options => _options;

    internal MessagePackSerializerOptions Serializer => _serializer;

    /// <summary>Sends a request already in RESP on <paramref name="connection"/>, and returns its reply as it came (errors throw).</summary>
    internal static ValueTask<RespReply> SendOn(ClientConnection connection, ReadOnlySpan<byte> request, CancellationToken cancellationToken)
    {
        var pending = new PendingReply<RespReply>(static (reply, _) => reply, Serialization.TinoMessagePack.DefaultOptions, cancellationToken);
        connection.Send(pending, request);
        return pending.Task;
    }
}
