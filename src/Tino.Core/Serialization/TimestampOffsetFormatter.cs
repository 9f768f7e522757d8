using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// <see cref="DateTimeOffset"/> as the MessagePack timestamp extension of its UTC instant (the offset is not sent,
/// PROTOCOL.md 6b; MessagePack-CSharp's own formatter writes a [timestamp, offset] array instead). On input the
/// extension (offset zero) or an ISO-8601 string (its offset kept; none means UTC).
/// </summary>
internal sealed class TimestampOffsetFormatter : IMessagePackFormatter<DateTimeOffset>
{
    public static readonly TimestampOffsetFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, DateTimeOffset value, MessagePackSerializerOptions options) => writer.Write(value.UtcDateTime);

    public DateTimeOffset Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => reader.NextMessagePackType switch
    {
        MessagePackType.Extension => new DateTimeOffset(reader.ReadDateTime()),
        MessagePackType.String => Iso8601.Read(ref reader, typeof(DateTimeOffset)),
        _ => throw DecodeFailure.TypeMismatch(typeof(DateTimeOffset), reader.NextCode),
    };
}
