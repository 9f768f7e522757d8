using System.Buffers;

namespace Tino.Serialization;

/// <summary>
/// JSON text to MessagePack and back, by the rules <c>TINO.JSON</c> uses (docs/interop.md): for tools and tests that
/// let people type values as JSON. Without a target type the mapping is JSON's own: integers in their smallest
/// encoding, other numbers float64, strings as strings.
/// </summary>
/// <example><code>
/// byte[] note = JsonMessagePack.FromJson("""{"text": "milk", "completed": false}""");
/// string json = JsonMessagePack.ToJson(reply);   // {"id":1,"text":"milk","completed":false}
/// </code></example>
public static class JsonMessagePack
{
    /// <summary>The MessagePack of one JSON value, shaped for <paramref name="type"/> when given (a base64 string for <c>byte[]</c> becomes bin, and so on).</summary>
    /// <param name="json">One JSON value.</param>
    /// <param name="type">The .NET type the value is for, or null for JSON's own mapping.</param>
    /// <returns>One MessagePack value.</returns>
    /// <exception cref="FormatException"><paramref name="json"/> is not one JSON value.</exception>
    public static byte[] FromJson(string json, Type? type = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var output = new ArrayBufferWriter<byte>(json.Length + 16);
        var utf8 = new ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(json));
        if (!JsonToMessagePack.TryConvert(utf8, WireShape.Of(type ?? typeof(object)), output, TinoMessagePack.MaxSupportedDepth, out var error))
        {
            throw new FormatException(error);
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>One MessagePack value as compact JSON text: bin as base64, timestamps as ISO-8601 UTC, non-string map keys as their JSON text.</summary>
    /// <param name="messagePack">Exactly one MessagePack value.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="MessagePack.MessagePackSerializationException">The bytes are not MessagePack.</exception>
    public static string ToJson(ReadOnlyMemory<byte> messagePack)
    {
        var output = new ArrayBufferWriter<byte>(messagePack.Length * 2 + 16);
        MessagePackToJson.Convert(new ReadOnlySequence<byte>(messagePack), output);
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
