using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using MessagePack;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>
/// One stream command read through a cursor: <c>ITER</c>, then <c>NEXT</c> requests kept in flight on the same
/// connection, each reply a batch; <c>CLOSE</c> when the reader leaves before the end.
/// </summary>
/// <param name="client">The client whose connection the stream pins.</param>
/// <param name="iter">The whole <c>ITER</c> request.</param>
/// <param name="decode">Turns an item's MessagePack into an item.</param>
/// <param name="bound">Cancels every enumeration, together with the token each is given.</param>
internal sealed class ClientStream<T>(TinoClient client, byte[] iter, Func<ReadOnlyMemory<byte>, MessagePackSerializerOptions, T> decode, CancellationToken bound) : IAsyncEnumerable<T>
{
    // The compiler links the two tokens when both can be cancelled.
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        ReadAsync(bound).GetAsyncEnumerator(cancellationToken);

    private async IAsyncEnumerable<T> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = client.Options;
        var serializer = client.Serializer;
        var connection = client.CurrentConnection;
        var opening = TinoClient.SendOn(connection, iter, CancellationToken.None).AsTask();
        RespReply reply;
        try
        {
            reply = await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The cursor may open after the reader has gone: close it when ITER's reply comes.
            _ = opening.ContinueWith(
                static (opened, state) => CloseOpened(opened, (ClientConnection)state!),
                connection, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        var (cursor, items) = Batch(reply);
        if (IsEnd(cursor))
        {
            foreach (var item in items)
            {
                yield return decode(item.Bytes, serializer);
            }
            yield break;
        }
        var next = NextRequest(cursor, options.StreamBatchSize);
        var inFlight = new Queue<ValueTask<RespReply>>();
        var ended = false;
        try
        {
            while (true)
            {
                while (inFlight.Count < Math.Max(1, options.StreamRequestsInFlight))
                {
                    inFlight.Enqueue(TinoClient.SendOn(connection, next, cancellationToken));
                }
                foreach (var item in items)
                {
                    yield return decode(item.Bytes, serializer);
                }
                (var at, items) = Batch(await NextBatchAsync(inFlight.Dequeue()).ConfigureAwait(false));
                if (IsEnd(at))
                {
                    ended = true;
                    break;
                }
            }
            foreach (var item in items)
            {
                yield return decode(item.Bytes, serializer);
            }
        }
        finally
        {
            // Replies to NEXT requests still in flight are read and dropped by the connection.
            if (!ended && connection.IsOpen)
            {
                _ = TinoClient.SendOn(connection, Request("CLOSE", cursor), CancellationToken.None);
            }
        }
    }

    private static void CloseOpened(Task<RespReply> opened, ClientConnection connection)
    {
        if (opened.IsCompletedSuccessfully && Batch(opened.Result) is var (cursor, _) && !IsEnd(cursor) && connection.IsOpen)
        {
            _ = TinoClient.SendOn(connection, Request("CLOSE", cursor), CancellationToken.None);
        }
    }

    /// <summary>
    /// A NEXT's reply. A server that shuts down refuses the NEXT requests it reads after (SHUTTING_DOWN) and then closes
    /// the connection: either way the cursor is gone with the server, so both end the stream as a lost connection does.
    /// </summary>
    private static async ValueTask<RespReply> NextBatchAsync(ValueTask<RespReply> next)
    {
        try
        {
            return await next.ConfigureAwait(false);
        }
        catch (TinoRemoteException error) when (error.Code == ErrorCodes.ShuttingDown)
        {
            throw new TinoConnectionException("the server shut down while the stream was read; its cursor went with it", error);
        }
    }

    private static bool IsEnd(ReadOnlyMemory<byte> cursor) => cursor.Span.SequenceEqual("0"u8);

    /// <summary>The cursor and the items of an <c>ITER</c> or <c>NEXT</c> reply.</summary>
    private static (ReadOnlyMemory<byte> Cursor, IReadOnlyList<RespReply> Items) Batch(RespReply reply) =>
        reply is { Kind: RespReplyKind.Array, Items: [{ Kind: RespReplyKind.BulkString } cursor, { Kind: RespReplyKind.Array or RespReplyKind.Null } items] }
            ? (cursor.Bytes, items.Items)
            : throw new InvalidDataException($"expected a stream batch [cursor, items], got {reply}");

    private static byte[] NextRequest(ReadOnlyMemory<byte> cursor, int count)
    {
        var request = new ArrayBufferWriter<byte>(64);
        RespWriter.WriteArrayHeader(request, 3);
        RespWriter.WriteBulkString(request, "NEXT"u8);
        RespWriter.WriteBulkString(request, cursor.Span);
        RespWriter.WriteBulkString(request, Encoding.ASCII.GetBytes(Math.Max(1, count).ToString(CultureInfo.InvariantCulture)));
        return request.WrittenSpan.ToArray();
    }

    private static byte[] Request(string command, ReadOnlyMemory<byte> cursor)
    {
        var request = new ArrayBufferWriter<byte>(32);
        RespWriter.WriteArrayHeader(request, 2);
        RespWriter.WriteBulkString(request, Encoding.ASCII.GetBytes(command));
        RespWriter.WriteBulkString(request, cursor.Span);
        return request.WrittenSpan.ToArray();
    }
}
