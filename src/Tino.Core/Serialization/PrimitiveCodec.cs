using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>How a primitive type's resolved formatter reads and writes it, when the fast paths may stand in for it.</summary>
internal enum PrimitiveFormat : byte
{
    /// <summary>Not a primitive, or a formatter the fast paths do not copy: always the general path.</summary>
    None,

    /// <summary>An integer type with MessagePack-CSharp's built-in formatter: the smallest integer encoding.</summary>
    Integer,

    /// <summary><see cref="bool"/> with the built-in formatter.</summary>
    Boolean,

    /// <summary><see cref="float"/> with the built-in formatter: always float32.</summary>
    Single,

    /// <summary><see cref="double"/> with the built-in formatter: always float64.</summary>
    Double,

    /// <summary><see cref="double"/> with <see cref="CompactDoubleFormatter"/>: float32 when exact, else float64.</summary>
    CompactDouble,

    /// <summary>
    /// Bytes with the built-in formatter (<c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/> or <see cref="System.Buffers.ReadOnlySequence{T}"/>
    /// of bytes): a result written as one <c>bin</c> straight into the reply. Not a scalar: arguments of these types
    /// have binders of their own.
    /// </summary>
    Bytes,

    /// <summary>A <see cref="RawMessagePack"/> result: its bytes are the reply as they are.</summary>
    Raw,
}

/// <summary>
/// Fast paths for arguments and results of primitive types, straight from and into spans, standing in for the
/// resolved formatter only where they give the very same result. An argument is decoded here only when it is exactly
/// one MessagePack value of a format that holds the type's value without loss, so any other input (another format, a
/// value out of range, a malformed or multi-segment argument) is left to the general path and its error messages.
/// </summary>
internal static partial class PrimitiveCodec
{
    /// <summary>The most MessagePack bytes a primitive takes: a marker and eight bytes of value.</summary>
    private const int MaxEncodedBytes = 9;

    /// <summary>
    /// Whether the fast paths may stand in for <paramref name="options"/>' formatter of <typeparamref name="T"/>:
    /// only for the built-in formatters of the primitive types (and Tino's compact double), never for a formatter a
    /// resolver put in their place. Decided once, when a command is built.
    /// </summary>
    public static PrimitiveFormat FormatOf<T>(MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var type = typeof(T);
        var expected = type == typeof(int) ? typeof(Int32Formatter)
            : type == typeof(byte[]) ? typeof(ByteArrayFormatter)
            : type == typeof(ReadOnlyMemory<byte>) ? typeof(ByteReadOnlyMemoryFormatter)
            : type == typeof(System.Buffers.ReadOnlySequence<byte>) ? typeof(ByteReadOnlySequenceFormatter)
            : type == typeof(RawMessagePack) ? typeof(RawMessagePackFormatter)
            : type == typeof(long) ? typeof(Int64Formatter)
            : type == typeof(short) ? typeof(Int16Formatter)
            : type == typeof(sbyte) ? typeof(SByteFormatter)
            : type == typeof(byte) ? typeof(ByteFormatter)
            : type == typeof(ushort) ? typeof(UInt16Formatter)
            : type == typeof(uint) ? typeof(UInt32Formatter)
            : type == typeof(ulong) ? typeof(UInt64Formatter)
            : type == typeof(bool) ? typeof(BooleanFormatter)
            : type == typeof(float) ? typeof(SingleFormatter)
            : type == typeof(double) ? typeof(DoubleFormatter)
            : null;
        if (expected is null)
        {
            return PrimitiveFormat.None;
        }

        Type? actual;
        try
        {
            actual = options.Resolver.GetFormatter<T>()?.GetType();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return PrimitiveFormat.None; // The general path reports what is wrong with the resolver.
        }

        return actual == expected
            ? type == typeof(RawMessagePack) ? PrimitiveFormat.Raw
            : type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(System.Buffers.ReadOnlySequence<byte>) ? PrimitiveFormat.Bytes
            : type == typeof(bool) ? PrimitiveFormat.Boolean
            : type == typeof(float) ? PrimitiveFormat.Single
            : type == typeof(double) ? PrimitiveFormat.Double
            : PrimitiveFormat.Integer
            : type == typeof(double) && actual == typeof(CompactDoubleFormatter) ? PrimitiveFormat.CompactDouble
            : PrimitiveFormat.None;
    }

    /// <summary>
    /// Decodes <paramref name="span"/> as <typeparamref name="T"/> when it is exactly one value of a format the type
    /// takes without loss; false (and nothing decided) otherwise. Only for a type whose <see cref="FormatOf"/> is not
    /// <see cref="PrimitiveFormat.None"/>: both double formatters read alike.
    /// </summary>
    /// <remarks>Inlined: the type tests fold away, leaving each binder its own type's few lines.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryDecode<T>(ReadOnlySpan<byte> span, out T value)
    {
        value = default!;
        if (typeof(T) == typeof(bool))
        {
            if (span.Length != 1 || (span[0] | 1) != MessagePackCode.True)
            {
                return false;
            }

            var flag = span[0] == MessagePackCode.True;
            value = Unsafe.As<bool, T>(ref flag);
            return true;
        }

        if (typeof(T) == typeof(float))
        {
            // A float32's bits as they are (no round trip through double, which would quiet a signalling NaN).
            if (span.Length == 5 && span[0] == MessagePackCode.Float32)
            {
                var single = BinaryPrimitives.ReadSingleBigEndian(span[1..]);
                value = Unsafe.As<float, T>(ref single);
                return true;
            }

            if (!TryReadSmallInteger(span, out var small))
            {
                return false;
            }

            var exact = (float)small;
            value = Unsafe.As<float, T>(ref exact);
            return true;
        }

        if (typeof(T) == typeof(double))
        {
            double real;
            if (span.Length == 9 && span[0] == MessagePackCode.Float64)
            {
                real = BinaryPrimitives.ReadDoubleBigEndian(span[1..]);
            }
            else if (span.Length == 5 && span[0] == MessagePackCode.Float32)
            {
                real = BinaryPrimitives.ReadSingleBigEndian(span[1..]); // As the reader widens a float32.
            }
            else if (TryReadSmallInteger(span, out var small))
            {
                real = small;
            }
            else
            {
                return false;
            }

            value = Unsafe.As<double, T>(ref real);
            return true;
        }

        if (typeof(T) == typeof(ulong))
        {
            if (!TryReadUInt64(span, out var unsigned))
            {
                return false;
            }

            value = Unsafe.As<ulong, T>(ref unsigned);
            return true;
        }

        // A fixint first, the common case, without a call: positive or negative, every signed type holds it.
        long integer;
        if (span.Length == 1 && (sbyte)span[0] >= MessagePackRange.MinFixNegativeInt)
        {
            integer = (sbyte)span[0];
        }
        else if (!TryReadInt64(span, out integer))
        {
            return false;
        }

        if (typeof(T) == typeof(long))
        {
            value = Unsafe.As<long, T>(ref integer);
            return true;
        }

        if (typeof(T) == typeof(int))
        {
            return Narrow(integer, int.MinValue, int.MaxValue, out value);
        }

        if (typeof(T) == typeof(uint))
        {
            return Narrow(integer, uint.MinValue, uint.MaxValue, out value);
        }

        if (typeof(T) == typeof(short))
        {
            return Narrow(integer, short.MinValue, short.MaxValue, out value);
        }

        if (typeof(T) == typeof(ushort))
        {
            return Narrow(integer, ushort.MinValue, ushort.MaxValue, out value);
        }

        if (typeof(T) == typeof(sbyte))
        {
            return Narrow(integer, sbyte.MinValue, sbyte.MaxValue, out value);
        }

        if (typeof(T) == typeof(byte))
        {
            return Narrow(integer, byte.MinValue, byte.MaxValue, out value);
        }

        return false;
    }

    /// <summary>Exactly one integer of any format whose value fits a <see cref="long"/>.</summary>
    private static bool TryReadInt64(ReadOnlySpan<byte> span, out long value)
    {
        value = 0;
        if (span.IsEmpty)
        {
            return false;
        }

        var code = span[0];
        if (code <= MessagePackCode.MaxFixInt || code >= MessagePackCode.MinNegativeFixInt)
        {
            value = (sbyte)code;
            return span.Length == 1;
        }

        switch (code)
        {
            case MessagePackCode.UInt8 when span.Length == 2:
                value = span[1];
                return true;
            case MessagePackCode.UInt16 when span.Length == 3:
                value = BinaryPrimitives.ReadUInt16BigEndian(span[1..]);
                return true;
            case MessagePackCode.UInt32 when span.Length == 5:
                value = BinaryPrimitives.ReadUInt32BigEndian(span[1..]);
                return true;
            case MessagePackCode.UInt64 when span.Length == 9:
                var unsigned = BinaryPrimitives.ReadUInt64BigEndian(span[1..]);
                value = (long)unsigned;
                return unsigned <= long.MaxValue;
            case MessagePackCode.Int8 when span.Length == 2:
                value = (sbyte)span[1];
                return true;
            case MessagePackCode.Int16 when span.Length == 3:
                value = BinaryPrimitives.ReadInt16BigEndian(span[1..]);
                return true;
            case MessagePackCode.Int32 when span.Length == 5:
                value = BinaryPrimitives.ReadInt32BigEndian(span[1..]);
                return true;
            case MessagePackCode.Int64 when span.Length == 9:
                value = BinaryPrimitives.ReadInt64BigEndian(span[1..]);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Exactly one integer of any format whose value fits a <see cref="ulong"/>.</summary>
    private static bool TryReadUInt64(ReadOnlySpan<byte> span, out ulong value)
    {
        if (span.Length == 9 && span[0] == MessagePackCode.UInt64)
        {
            value = BinaryPrimitives.ReadUInt64BigEndian(span[1..]);
            return true;
        }

        var fits = TryReadInt64(span, out var signed) && signed >= 0;
        value = fits ? (ulong)signed : 0;
        return fits;
    }

    /// <summary>
    /// Exactly one integer of at most 16 bits: a value every float type holds exactly, so that converting it cannot
    /// round differently from the reader's own conversion.
    /// </summary>
    private static bool TryReadSmallInteger(ReadOnlySpan<byte> span, out long value)
    {
        value = 0;
        return !span.IsEmpty
            && span[0] is <= MessagePackCode.MaxFixInt or >= MessagePackCode.MinNegativeFixInt
                or MessagePackCode.UInt8 or MessagePackCode.UInt16 or MessagePackCode.Int8 or MessagePackCode.Int16
            && TryReadInt64(span, out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Narrow<T>(long value, long min, long max, out T narrowed)
    {
        narrowed = default!;
        if (value < min || value > max)
        {
            return false;
        }

        if (typeof(T) == typeof(int))
        {
            var v = (int)value;
            narrowed = Unsafe.As<int, T>(ref v);
        }
        else if (typeof(T) == typeof(uint))
        {
            var v = (uint)value;
            narrowed = Unsafe.As<uint, T>(ref v);
        }
        else if (typeof(T) == typeof(short))
        {
            var v = (short)value;
            narrowed = Unsafe.As<short, T>(ref v);
        }
        else if (typeof(T) == typeof(ushort))
        {
            var v = (ushort)value;
            narrowed = Unsafe.As<ushort, T>(ref v);
        }
        else if (typeof(T) == typeof(sbyte))
        {
            var v = (sbyte)value;
            narrowed = Unsafe.As<sbyte, T>(ref v);
        }
        else if (typeof(T) == typeof(byte))
        {
            var v = (byte)value;
            narrowed = Unsafe.As<byte, T>(ref v);
        }
        else
        {
            return false;
        }

        return true;
    }
}
