using MessagePack;
using Tino.Serialization;

namespace Tino.Client;

/// <summary>
/// One argument of a call, encoded as MessagePack when the request is written. Primitives, strings and
/// bytes convert implicitly and are never boxed; any other value goes through <see cref="From{T}"/>.
/// </summary>
/// <example><code>
/// long three = await client.CallAsync&lt;long&gt;("add", 1, 2);
/// var note = await client.CallAsync&lt;Note&gt;("create_note", TinoArg.From(new NoteInput("milk", false)));
/// </code></example>
public readonly struct TinoArg
{
    private readonly Kind _kind;
    private readonly long _bits;
    private readonly object? _reference;
    private readonly ReadOnlyMemory<byte> _bytes;

    private TinoArg(Kind kind, long bits = 0, object? reference = null, ReadOnlyMemory<byte> bytes = default)
    {
        _kind = kind;
        _bits = bits;
        _reference = reference;
        _bytes = bytes;
    }

    private enum Kind : byte { Nil, Signed, Unsigned, Float64, Float32, Boolean, Text, Bin, Encoded, Value }

    /// <summary>MessagePack nil.</summary>
    public static TinoArg Nil => default;

    /// <summary>An integer.</summary>
    public static implicit operator TinoArg(int value) => new(Kind.Signed, value);

    /// <summary>An integer.</summary>
    public static implicit operator TinoArg(long value) => new(Kind.Signed, value);

    /// <summary>An integer.</summary>
    public static implicit operator TinoArg(short value) => new(Kind.Signed, value);

    /// <summary>An integer.</summary>
    public static implicit operator TinoArg(byte value) => new(Kind.Signed, value);

    /// <summary>An integer.</summary>
    public static implicit operator TinoArg(uint value) => new(Kind.Signed, value);

    /// <summary>An integer.</summary>
    public static implicit operator TinoArg(ulong value) => new(Kind.Unsigned, unchecked((long)value));

    /// <summary>A float, in the smallest encoding that holds it exactly: float32 when it survives the trip, else float64 (as the server writes doubles).</summary>
    public static implicit operator TinoArg(double value) => new(Kind.Float64, BitConverter.DoubleToInt64Bits(value));

    /// <summary>A float32.</summary>
    public static implicit operator TinoArg(float value) => new(Kind.Float32, BitConverter.SingleToInt32Bits(value));

    /// <summary>A bool.</summary>
    public static implicit operator TinoArg(bool value) => new(Kind.Boolean, value ? 1 : 0);

    /// <summary>A string, or nil for null.</summary>
    public static implicit operator TinoArg(string? value) => value is null ? Nil : new(Kind.Text, reference: value);

    /// <summary>A bin, or nil for null.</summary>
    public static implicit operator TinoArg(byte[]? value) => value is null ? Nil : new(Kind.Bin, bytes: value);

    /// <summary>A bin.</summary>
    public static implicit operator TinoArg(ReadOnlyMemory<byte> value) => new(Kind.Bin, bytes: value);

    /// <summary>
    /// Any value, encoded with the client's MessagePack options (records as maps, lists as arrays, ...). Numbers, bools,
    /// strings and byte arrays take the same unboxed paths as the implicit conversions, so generic callers (proxies)
    /// do not box them either.
    /// </summary>
    public static TinoArg From<T>(T value)
    {
        if (typeof(T).IsValueType)
        {
            // Each test is a constant for a value type, so the JIT keeps only the branch that applies.
            if (typeof(T) == typeof(int)) return (int)(object)value!;
            if (typeof(T) == typeof(long)) return (long)(object)value!;
            if (typeof(T) == typeof(double)) return (double)(object)value!;
            if (typeof(T) == typeof(bool)) return (bool)(object)value!;
            if (typeof(T) == typeof(float)) return (float)(object)value!;
            if (typeof(T) == typeof(short)) return (short)(object)value!;
            if (typeof(T) == typeof(byte)) return (byte)(object)value!;
            if (typeof(T) == typeof(uint)) return (uint)(object)value!;
            if (typeof(T) == typeof(ulong)) return (ulong)(object)value!;
            if (typeof(T) == typeof(ReadOnlyMemory<byte>)) return (ReadOnlyMemory<byte>)(object)value!;
        }
        else if (value is string text)
        {
            return text;
        }
        else if (value is byte[] bytes)
        {
            return bytes;
        }
        return value is null ? Nil : new(Kind.Value, reference: new Boxed<T>(value));
    }

    /// <summary>Bytes that already hold one MessagePack value, sent as they are.</summary>
    public static TinoArg Raw(ReadOnlyMemory<byte> messagePack) => new(Kind.Encoded, bytes: messagePack);

    internal void WriteTo(ref MessagePackWriter writer, MessagePackSerializerOptions options)
    {
        switch (_kind)
        {
            case Kind.Signed: writer.Write(_bits); break;
            case Kind.Unsigned: writer.Write(unchecked((ulong)_bits)); break;
            case Kind.Float64: CompactDoubleFormatter.Instance.Serialize(ref writer, BitConverter.Int64BitsToDouble(_bits), options); break;
            case Kind.Float32: writer.Write(BitConverter.Int32BitsToSingle((int)_bits)); break;
            case Kind.Boolean: writer.Write(_bits != 0); break;
            case Kind.Text: writer.Write((string)_reference!); break;
            case Kind.Bin: writer.Write(_bytes.Span); break;
            case Kind.Encoded: writer.WriteRaw(_bytes.Span); break;
            case Kind.Value: ((IValue)_reference!).WriteTo(ref writer, options); break;
            default: writer.WriteNil(); break;
        }
    }

    private interface IValue
    {
        void WriteTo(ref MessagePackWriter writer, MessagePackSerializerOptions options);
    }

    private sealed class Boxed<T>(T value) : IValue
    {
        public void WriteTo(ref MessagePackWriter writer, MessagePackSerializerOptions options) =>
            options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, value, options);
    }
}
