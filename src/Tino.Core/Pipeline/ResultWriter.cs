using System.Buffers;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// Writes a handler's result as the call's reply: a bulk string holding its MessagePack.
/// Compiled binders call the overload that matches the handler's return type, so completed
/// tasks take a synchronous path and only pending ones allocate a state machine.
/// </summary>
internal static class ResultWriter
{
    /// <summary>
    /// Writes <paramref name="value"/>: with <paramref name="format"/> (chosen when the command was built, from the
    /// app's formatter for <typeparamref name="T"/>) straight into the output, else through the formatter.
    /// </summary>
    public static ValueTask Value<T>(CommandContext context, T value, PrimitiveFormat format)
    {
        if (context.RepliesJson)
        {
            JsonReplies.Value(context, value);
            return default;
        }
        if (format >= PrimitiveFormat.Bytes)
        {
            BytesReplies.Write(context.Output, value, format);
            return default;
        }
        if (format != PrimitiveFormat.None)
        {
            PrimitiveCodec.WriteBulk(context.Output, value, format);
            return default;
        }
        var scratch = context.Scratch;
        scratch.ResetWrittenCount();
        ArgumentCodec.Encode(scratch, value, context.Serializer);
        RespWriter.WriteBulkString(context.Output, scratch.WrittenSpan);
        return default;
    }

    public static ValueTask Nil(CommandContext context)
    {
        RespWriter.WriteBulkString(context.Output, context.RepliesJson ? JsonReplies.Null : [MessagePack.MessagePackCode.Nil]);
        return default;
    }

    public static ValueTask Task(CommandContext context, Task task) =>
        task.IsCompletedSuccessfully ? Nil(context) : AwaitNil(context, new ValueTask(task));

    public static ValueTask TaskOf<T>(CommandContext context, Task<T> task, PrimitiveFormat format) =>
        task.IsCompletedSuccessfully ? Value(context, task.Result, format) : AwaitValue(context, new ValueTask<T>(task), format);

    public static ValueTask ValueTask(CommandContext context, ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
            return Nil(context);
        }
        return AwaitNil(context, task);
    }

    public static ValueTask ValueTaskOf<T>(CommandContext context, ValueTask<T> task, PrimitiveFormat format) =>
        task.IsCompletedSuccessfully ? Value(context, task.Result, format) : AwaitValue(context, task, format);

    private static async ValueTask AwaitNil(CommandContext context, ValueTask task)
    {
        await task.ConfigureAwait(false);
        _ = Nil(context);
    }

    private static async ValueTask AwaitValue<T>(CommandContext context, ValueTask<T> task, PrimitiveFormat format)
    {
        var value = await task.ConfigureAwait(false);
        _ = Value(context, value, format);
    }
}
