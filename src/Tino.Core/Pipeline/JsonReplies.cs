using System.Buffers;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// Results of a call made with JSON: the result's MessagePack, converted to compact JSON text and replied as one bulk
/// string. Errors are replied as they are for any call.
/// </summary>
internal static class JsonReplies
{
    /// <summary>The reply of nil and of a handler without a result.</summary>
    public static ReadOnlySpan<byte> Null => "null"u8;

    public static void Value<T>(CommandContext context, T value)
    {
        var scratch = context.Scratch;
        scratch.ResetWrittenCount();
        ArgumentCodec.Encode(scratch, value, context.Serializer);
        var json = new ArrayBufferWriter<byte>(scratch.WrittenCount * 2 + 16);
        MessagePackToJson.Convert(new ReadOnlySequence<byte>(scratch.WrittenMemory), json);
        RespWriter.WriteBulkString(context.Output, json.WrittenSpan);
    }
}
