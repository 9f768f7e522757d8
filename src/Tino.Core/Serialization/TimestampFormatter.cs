using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// <see cref="DateTime"/> as the MessagePack timestamp extension (local times are converted to UTC, unspecified ones
/// are taken as UTC); on input the extension or an ISO-8601 string, decoded as a UTC <see cref="DateTime"/>.
/// </summary>
internal sealed class TimestampFormatter : IMessagePackFormatter<DateTime>
{
    public static readonly TimestampFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, DateTime value, MessagePackSerializerOptions options) => writer.Write(value);

    public DateTime Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => reader.NextMessagePackType switch
    {
        MessagePackType.Extension => reader.ReadDateTime(),
        MessagePackType.String => Iso8601.Read(ref reader, typeof(DateTime)).UtcDateTime,
        _ => throw DecodeFailure.TypeMismatch(typeof(DateTime), reader.NextCode),
    };
}
