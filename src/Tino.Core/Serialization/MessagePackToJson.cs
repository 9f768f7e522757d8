using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// Writes one MessagePack value as compact JSON text: nil, bool, numbers and strings as themselves; bin as base64;
/// the timestamp extension as ISO-8601 UTC (<c>2024-05-06T07:08:09.5Z</c>, no trailing zeros); other extensions as
/// <c>{"ext":type,"data":"base64"}</c>; NaN and infinities as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>;
/// maps as objects, a key that is not a string written as its JSON text (<c>1</c> becomes <c>"1"</c>; bin keys as base64).
/// </summary>
internal static class MessagePackToJson
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Writes the value in <paramref name="messagePack"/> to <paramref name="output"/> as UTF-8 JSON.</summary>
    /// <exception cref="MessagePackSerializationException">The bytes are not MessagePack.</exception>
    public static void Convert(in ReadOnlySequence<byte> messagePack, IBufferWriter<byte> output)
    {
        var reader = new MessagePackReader(messagePack);
        using var json = new Utf8JsonWriter(output, s_options);
        WriteValue(ref reader, json);
        json.Flush();
    }

    private static void WriteValue(ref MessagePackReader reader, Utf8JsonWriter json)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                json.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                json.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Integer when reader.NextCode == MessagePackCode.UInt64:
                json.WriteNumberValue(reader.ReadUInt64());
                break;
            case MessagePackType.Integer:
                json.WriteNumberValue(reader.ReadInt64());
                break;
            case MessagePackType.Float:
                WriteFloat(ref reader, json);
                break;
            case MessagePackType.String:
                json.WriteStringValue(reader.ReadString());
                break;
            case MessagePackType.Binary:
                json.WriteBase64StringValue(reader.ReadBytes()!.Value.ToArray());
                break;
            case MessagePackType.Array:
                var items = reader.ReadArrayHeader();
                json.WriteStartArray();
                for (var i = 0; i < items; i++)
                {
                    WriteValue(ref reader, json);
                }
                json.WriteEndArray();
                break;
            case MessagePackType.Map:
                var pairs = reader.ReadMapHeader();
                json.WriteStartObject();
                for (var i = 0; i < pairs; i++)
                {
                    json.WritePropertyName(KeyText(ref reader));
                    WriteValue(ref reader, json);
                }
                json.WriteEndObject();
                break;
            case MessagePackType.Extension:
                WriteExtension(ref reader, json);
                break;
            default:
                throw new MessagePackSerializationException($"not a MessagePack value: code 0x{reader.NextCode:X2}");
        }
    }

    private static void WriteFloat(ref MessagePackReader reader, Utf8JsonWriter json)
    {
        var isSingle = reader.NextCode == MessagePackCode.Float32;
        var value = isSingle ? reader.ReadSingle() : reader.ReadDouble();
        if (!double.IsFinite(value))
        {
            json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
        else if (isSingle)
        {
            json.WriteNumberValue((float)value);
        }
        else
        {
            json.WriteNumberValue(value);
        }
    }

    private static void WriteExtension(ref MessagePackReader reader, Utf8JsonWriter json)
    {
        var peek = reader.CreatePeekReader();
        if (peek.ReadExtensionFormatHeader().TypeCode == ReservedMessagePackExtensionTypeCode.DateTime)
        {
            var attempt = reader.CreatePeekReader();
            try
            {
                var timestamp = attempt.ReadDateTime();
                reader = attempt;
                json.WriteStringValue(Iso(timestamp));
                return;
            }
            catch (Exception error) when (error is MessagePackSerializationException or ArgumentOutOfRangeException)
            {
                // Outside DateTime's range: written as any other extension below.
            }
        }
        var extension = reader.ReadExtensionFormat();
        json.WriteStartObject();
        json.WriteNumber("ext", extension.TypeCode);
        json.WriteBase64String("data", extension.Data.ToArray());
        json.WriteEndObject();
    }

    /// <summary>A map key as property-name text: a string as it is, bin as base64, anything else as its compact JSON.</summary>
    private static string KeyText(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.String:
                return reader.ReadString()!;
            case MessagePackType.Binary:
                return System.Convert.ToBase64String(reader.ReadBytes()!.Value.ToArray());
            default:
                var buffer = new ArrayBufferWriter<byte>(32);
                using (var json = new Utf8JsonWriter(buffer, s_options))
                {
                    WriteValue(ref reader, json);
                }
                return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    /// <summary>ISO-8601 in UTC with as many fraction digits as needed: <c>2024-05-06T07:08:09Z</c>, <c>2024-05-06T07:08:09.25Z</c>.</summary>
    public static string Iso(DateTime timestamp) =>
        timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
