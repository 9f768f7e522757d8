using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// <see cref="double"/> in the smallest float encoding that holds the value exactly (PROTOCOL.md 6b): float32 when
/// the value survives the round trip through <see cref="float"/>, else float64 (NaN always float64, keeping its bits).
/// MessagePack-CSharp's own formatter always writes float64. Any integer or float is accepted on input.
/// </summary>
internal sealed class CompactDoubleFormatter : IMessagePackFormatter<double>
{
    public static readonly CompactDoubleFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, double value, MessagePackSerializerOptions options)
    {
        var single = (float)value;
        if (single == value)
        {
            writer.Write(single);
        }
        else
        {
            writer.Write(value);
        }
    }

    public double Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => reader.ReadDouble();
}
