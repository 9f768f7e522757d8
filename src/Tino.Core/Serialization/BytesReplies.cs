using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using MessagePack;
using Tino.Protocol;

namespace Tino.Serialization;

/// <summary>
/// Results that are bytes, written straight into the reply with no intermediate array: a <c>bin</c> (its length is known,
/// so the bulk string's header comes first and the payload is copied once, from the handler's memory into the output),
/// or a <see cref="RawMessagePack"/> as it is.
/// </summary>
internal static class BytesReplies
{

    /// <summary>Writes <paramref name="value"/>, of a type whose format is <see cref="PrimitiveFormat.Bytes"/> or <see cref="PrimitiveFormat.Raw"/>.</summary>
    public static void Write<T>(IBufferWriter<byte> output, T value, PrimitiveFormat format)
    {
        if (typeof(T) == typeof(RawMessagePack))
        {
            var raw = Unsafe.As<T, RawMessagePack>(ref value).Bytes;
            RespWriter.WriteBulkString(output, raw.IsEmpty ? RawMessagePackFormatter.Nil : raw.Span);
        }
        else if (typeof(T) == typeof(ReadOnlyMemory<byte>))
        {
            WriteBin(output, Unsafe.As<T, ReadOnlyMemory<byte>>(ref value).Span);
        }
        else if (typeof(T) == typeof(ReadOnlySequence<byte>))
        {
            var sequence = Unsafe.As<T, ReadOnlySequence<byte>>(ref value);
            WriteBinHeader(output, checked((int)sequence.Length));
            foreach (var segment in sequence)
            {
                output.Write(segment.Span);
            }
            RespWriter.WriteCrlf(output);
        }
        else if (value is byte[] array)
        {
            WriteBin(output, array);
        }
        else
        {
            RespWriter.WriteBulkString(output, RawMessagePackFormatter.Nil); // A null byte[] is nil, as its formatter writes it.
        }
    }

    private static void WriteBin(IBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        // Room for all of it at once, so the output grows to its size once rather than by halves as it is copied in.
        output.GetSpan(BulkOverhead + payload.Length);
        WriteBinHeader(output, payload.Length);
        output.Write(payload);
        RespWriter.WriteCrlf(output);
    }

    /// <summary>'$', at most 10 digits and CRLF, a bin header of at most 5 bytes, the closing CRLF.</summary>
    private const int BulkOverhead = 1 + 10 + 2 + 5 + 2;

    /// <summary>Writes <c>$&lt;length&gt;\r\n</c> and the MessagePack bin header of a payload of <paramref name="length"/> bytes.</summary>
    private static void WriteBinHeader(IBufferWriter<byte> output, int length)
    {
        var header = length <= byte.MaxValue ? 2 : length <= ushort.MaxValue ? 3 : 5;
        RespWriter.WriteBulkStringHeader(output, header + length);
        var span = output.GetSpan(5);
        if (header == 2)
        {
            span[0] = MessagePackCode.Bin8;
            span[1] = (byte)length;
        }
        else if (header == 3)
        {
            span[0] = MessagePackCode.Bin16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
        }
        else
        {
            span[0] = MessagePackCode.Bin32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
        }
        output.Advance(header);
    }
}
