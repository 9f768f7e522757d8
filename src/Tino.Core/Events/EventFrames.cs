using System.Buffers;
using Tino.Protocol;

namespace Tino.Events;

/// <summary>The RESP2 push frames of Redis pub/sub, built once per publish and shared by every subscriber.</summary>
internal static class EventFrames
{
    // Per bulk string: '$', at most 11 characters of length, CRLF, the bytes, CRLF; plus the array header.
    private const int Framing = 16;

    /// <summary><c>*3 $7 message $&lt;channel&gt; $&lt;payload&gt;</c>.</summary>
    public static byte[] Message(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        var frame = new ArrayBufferWriter<byte>(4 * Framing + 8 + channel.Length + payload.Length);
        RespWriter.WriteArrayHeader(frame, 3);
        RespWriter.WriteBulkString(frame, "message"u8);
        RespWriter.WriteBulkString(frame, channel);
        RespWriter.WriteBulkString(frame, payload);
        return frame.WrittenSpan.ToArray();
    }

    /// <summary><c>*4 $8 pmessage $&lt;pattern&gt; $&lt;channel&gt; $&lt;payload&gt;</c>.</summary>
    public static byte[] PatternMessage(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        var frame = new ArrayBufferWriter<byte>(5 * Framing + 8 + pattern.Length + channel.Length + payload.Length);
        RespWriter.WriteArrayHeader(frame, 4);
        RespWriter.WriteBulkString(frame, "pmessage"u8);
        RespWriter.WriteBulkString(frame, pattern);
        RespWriter.WriteBulkString(frame, channel);
        RespWriter.WriteBulkString(frame, payload);
        return frame.WrittenSpan.ToArray();
    }

    /// <summary>A subscription change confirmation: <c>*3 $&lt;kind&gt; $&lt;name&gt; :&lt;count&gt;</c> (a nil name when there was none).</summary>
    public static void Confirmation(IBufferWriter<byte> output, ReadOnlySpan<byte> kind, byte[]? name, int count)
    {
        RespWriter.WriteArrayHeader(output, 3);
        RespWriter.WriteBulkString(output, kind);
        if (name is null)
        {
            RespWriter.WriteNullBulkString(output);
        }
        else
        {
            RespWriter.WriteBulkString(output, name);
        }
        RespWriter.WriteInteger(output, count);
    }
}
