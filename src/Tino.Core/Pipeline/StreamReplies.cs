using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// The last stage of a stream command: called plainly, it replies every item as one RESP array (or
/// <c>STREAM_TOO_LARGE</c>); called through <c>ITER</c>, it hands the stream over as a cursor and replies nothing itself.
/// </summary>
internal static class StreamReplies
{
    // '*', at most 11 characters of int, CRLF: the array header in front of the buffered items.
    private const int ArrayHeaderBudget = 1 + 11 + 2;

    /// <summary>The expression that serves the handler's stream result, or null when the result is not a stream.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public static Expression? Bind(Expression context, Expression call, Type resultType, StreamOptions options)
    {
        if (StreamShape.ItemType(resultType) is not { } item)
        {
            return null;
        }
        var stream = typeof(IAsyncEnumerable<>).MakeGenericType(item);
        var name = !StreamShape.IsTaskOf(resultType, out _) ? nameof(Stream)
            : resultType.GetGenericTypeDefinition() == typeof(Task<>) ? nameof(StreamTask)
            : nameof(StreamValueTask);
        var method = typeof(StreamReplies).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(item);
        var argument = name == nameof(Stream) ? Expression.Convert(call, stream) : call;
        return Expression.Call(method, context, argument, Expression.Constant(options));
    }

    public static ValueTask Stream<T>(CommandContext context, IAsyncEnumerable<T> items, StreamOptions options)
    {
        if (items is null)
        {
            throw new InvalidOperationException($"the handler of {context.Command.Name} returned null instead of a stream");
        }
        if (context.OpensCursor)
        {
            context.Cursor = new StreamCursor<T>(items, context.CancellationToken, context.Serializer, options.ReadAhead);
            return default;
        }
        return WriteAllAsync(context, items, options.MaxPlainReplyBytes);
    }

    public static ValueTask StreamTask<T>(CommandContext context, Task<IAsyncEnumerable<T>> pending, StreamOptions options) =>
        pending.IsCompletedSuccessfully ? Stream(context, pending.Result, options) : Awaited(context, new ValueTask<IAsyncEnumerable<T>>(pending), options);

    public static ValueTask StreamValueTask<T>(CommandContext context, ValueTask<IAsyncEnumerable<T>> pending, StreamOptions options) =>
        pending.IsCompletedSuccessfully ? Stream(context, pending.Result, options) : Awaited(context, pending, options);

    private static async ValueTask Awaited<T>(CommandContext context, ValueTask<IAsyncEnumerable<T>> pending, StreamOptions options) =>
        await Stream(context, await pending.ConfigureAwait(false), options).ConfigureAwait(false);

    /// <summary>
    /// Buffers every item as a bulk string, then writes the array header and the items; stops at the first item
    /// that would take the reply past <paramref name="limit"/> and replies <c>STREAM_TOO_LARGE</c> instead.
    /// A producer that throws leaves nothing written: the error boundary replies the error.
    /// </summary>
    private static async ValueTask WriteAllAsync<T>(CommandContext context, IAsyncEnumerable<T> items, long limit)
    {
        var body = new ArrayBufferWriter<byte>(256);
        var count = 0;
        await foreach (var item in items.WithCancellation(context.CancellationToken).ConfigureAwait(false))
        {
            var scratch = context.Scratch;
            scratch.ResetWrittenCount();
            ArgumentCodec.Encode(scratch, item, context.Serializer);
            if (context.RepliesJson)
            {
                body.Write(count == 0 ? "["u8 : ","u8);
                MessagePackToJson.Convert(new ReadOnlySequence<byte>(scratch.WrittenMemory), body);
            }
            else
            {
                RespWriter.WriteBulkString(body, scratch.WrittenSpan);
            }
            count++;
            if (ArrayHeaderBudget + (long)body.WrittenCount > limit)
            {
                RespWriter.WriteError(context.Output, ErrorCodes.StreamTooLarge, default);
                return;
            }
        }
        if (context.RepliesJson)
        {
            // With JSON, the stream is one array: one bulk string of JSON text.
            body.Write(count == 0 ? "[]"u8 : "]"u8);
            RespWriter.WriteBulkString(context.Output, body.WrittenSpan);
            return;
        }
        RespWriter.WriteArrayHeader(context.Output, count);
        context.Output.Write(body.WrittenSpan);
    }
}
