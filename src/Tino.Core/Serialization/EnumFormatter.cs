using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// An enum as its underlying integer, in the smallest form that holds it, as MessagePack-CSharp's enum resolver
/// writes it, but without code emitted at run time: the formatter that generated code registers for an enum.
/// </summary>
internal sealed class EnumFormatter<T> : IMessagePackFormatter<T>
    where T : struct, Enum
{
    private static readonly TypeCode s_underlying = Type.GetTypeCode(typeof(T));

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        switch (s_underlying)
        {
            case TypeCode.SByte: writer.Write(Unsafe.As<T, sbyte>(ref value)); break;
            case TypeCode.Byte: writer.Write(Unsafe.As<T, byte>(ref value)); break;
            case TypeCode.Int16: writer.Write(Unsafe.As<T, short>(ref value)); break;
            case TypeCode.UInt16: writer.Write(Unsafe.As<T, ushort>(ref value)); break;
            case TypeCode.Int32: writer.Write(Unsafe.As<T, int>(ref value)); break;
            case TypeCode.UInt32: writer.Write(Unsafe.As<T, uint>(ref value)); break;
            case TypeCode.Int64: writer.Write(Unsafe.As<T, long>(ref value)); break;
            default: writer.Write(Unsafe.As<T, ulong>(ref value)); break;
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        switch (s_underlying)
        {
            case TypeCode.SByte: { var value = reader.ReadSByte(); return Unsafe.As<sbyte, T>(ref value); }
            case TypeCode.Byte: { var value = reader.ReadByte(); return Unsafe.As<byte, T>(ref value); }
            case TypeCode.Int16: { var value = reader.ReadInt16(); return Unsafe.As<short, T>(ref value); }
            case TypeCode.UInt16: { var value = reader.ReadUInt16(); return Unsafe.As<ushort, T>(ref value); }
            case TypeCode.Int32: { var value = reader.ReadInt32(); return Unsafe.As<int, T>(ref value); }
            case TypeCode.UInt32: { var value = reader.ReadUInt32(); return Unsafe.As<uint, T>(ref value); }
            case TypeCode.Int64: { var value = reader.ReadInt64(); return Unsafe.As<long, T>(ref value); }
            default: { var value = reader.ReadUInt64(); return Unsafe.As<ulong, T>(ref value); }
        }
    }
}
