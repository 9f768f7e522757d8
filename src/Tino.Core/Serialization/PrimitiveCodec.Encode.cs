using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using MessagePack;
using Tino.Protocol;

namespace Tino.Serialization;

/// <summary>The writing half of the primitive fast paths: a result's reply in one span.</summary>
internal static partial class PrimitiveCodec
{
    /// <summary>
    /// Writes <paramref name="value"/> as a bulk string holding its MessagePack: the bytes the formatter
    /// <paramref name="format"/> names would write, encoded on the stack and framed by <see cref="RespWriter"/>.
    /// </summary>
    public static void WriteBulk<T>(IBufferWriter<byte> output, T value, PrimitiveFormat format)
    {
        Span<byte> encoded = stackalloc byte[MaxEncodedBytes];
        var length = Encode(encoded, value, format);
        RespWriter.WriteBulkString(output, encoded[..length]);
    }

    /// <summary>Writes the MessagePack of <paramref name="value"/> into <paramref name="span"/> (nine bytes at least); returns its length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Encode<T>(Span<byte> span, T value, PrimitiveFormat format)
    {
        if (typeof(T) == typeof(bool))
        {
            span[0] = Unsafe.As<T, bool>(ref value) ? MessagePackCode.True : MessagePackCode.False;
            return 1;
        }

        if (typeof(T) == typeof(float))
        {
            return WriteSingle(span, Unsafe.As<T, float>(ref value));
        }

        if (typeof(T) == typeof(double))
        {
            var real = Unsafe.As<T, double>(ref value);
            var single = (float)real;
            return format == PrimitiveFormat.CompactDouble && single == real ? WriteSingle(span, single) : WriteDouble(span, real);
        }

        if (typeof(T) == typeof(ulong))
        {
            var unsigned = Unsafe.As<T, ulong>(ref value);
            if (unsigned > long.MaxValue)
            {
                span[0] = MessagePackCode.UInt64;
                BinaryPrimitives.WriteUInt64BigEndian(span[1..], unsigned);
                return 9;
            }

            return WriteInteger(span, (long)unsigned);
        }

        return WriteInteger(span, typeof(T) == typeof(long) ? Unsafe.As<T, long>(ref value)
            : typeof(T) == typeof(int) ? Unsafe.As<T, int>(ref value)
            : typeof(T) == typeof(uint) ? Unsafe.As<T, uint>(ref value)
            : typeof(T) == typeof(short) ? Unsafe.As<T, short>(ref value)
            : typeof(T) == typeof(ushort) ? Unsafe.As<T, ushort>(ref value)
            : typeof(T) == typeof(sbyte) ? Unsafe.As<T, sbyte>(ref value)
            : typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref value)
            : throw new NotSupportedException($"{typeof(T)} has no primitive encoding."));
    }

    /// <summary>The smallest encoding of an integer, as MessagePack-CSharp's writer chooses it for every integer type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteInteger(Span<byte> span, long value)
    {
        // A fixint first, without a call: the common case.
        if ((ulong)(value - MessagePackRange.MinFixNegativeInt) <= MessagePackRange.MaxFixPositiveInt - MessagePackRange.MinFixNegativeInt)
        {
            span[0] = (byte)value;
            return 1;
        }

        return WriteWiderInteger(span, value);
    }

    private static int WriteWiderInteger(Span<byte> span, long value)
    {
        if (value >= 0)
        {
            if (value <= MessagePackRange.MaxFixPositiveInt)
            {
                span[0] = (byte)value;
                return 1;
            }

            if (value <= byte.MaxValue)
            {
                span[0] = MessagePackCode.UInt8;
                span[1] = (byte)value;
                return 2;
            }

            if (value <= ushort.MaxValue)
            {
                span[0] = MessagePackCode.UInt16;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
                return 3;
            }

            if (value <= uint.MaxValue)
            {
                span[0] = MessagePackCode.UInt32;
                BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
                return 5;
            }

            span[0] = MessagePackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], (ulong)value);
            return 9;
        }

        if (value >= MessagePackRange.MinFixNegativeInt)
        {
            span[0] = (byte)(sbyte)value;
            return 1;
        }

        if (value >= sbyte.MinValue)
        {
            span[0] = MessagePackCode.Int8;
            span[1] = (byte)(sbyte)value;
            return 2;
        }

        if (value >= short.MinValue)
        {
            span[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            return 3;
        }

        if (value >= int.MinValue)
        {
            span[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            return 5;
        }

        span[0] = MessagePackCode.Int64;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
        return 9;
    }

    private static int WriteSingle(Span<byte> span, float value)
    {
        span[0] = MessagePackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(span[1..], value);
        return 5;
    }

    private static int WriteDouble(Span<byte> span, double value)
    {
        span[0] = MessagePackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        return 9;
    }
}
