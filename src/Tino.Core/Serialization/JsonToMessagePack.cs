using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// Converts one JSON text into one MessagePack value, directed by the shape of the parameter it is for where JSON
/// alone is ambiguous:
/// <list type="bullet">
/// <item>a string for <c>bin</c> is base64 (text that is not base64 stays a string, so the call fails as a string sent to a bin would);</item>
/// <item>a number for a <c>decimal</c> becomes its digits as a string (decimals travel as strings);</item>
/// <item>a string naming an enum member becomes its integer; a string naming a field-less union case becomes <c>[tag, {}]</c>;</item>
/// <item>a union may be written <c>["Case", {fields}]</c> as well as <c>[tag, {fields}]</c>;</item>
/// <item>an object for a map whose keys are integers or bools has its keys parsed back from their text;</item>
/// <item>timestamps are ISO-8601 strings, passed through as strings (the timestamp formatter reads them).</item>
/// </list>
/// Elsewhere the mapping is JSON's own: integers in their smallest MessagePack encoding, other numbers float64.
/// </summary>
internal static class JsonToMessagePack
{
    /// <summary>Converts <paramref name="json"/>; false, with the parser's message, when it is not one JSON value.</summary>
    /// <param name="json">The JSON text, UTF-8.</param>
    /// <param name="shape">The shape of the parameter the value is for.</param>
    /// <param name="output">Where the MessagePack value is written.</param>
    /// <param name="maxDepth">The app's nesting limit; deeper JSON is converted, so that the call reports it as MessagePack would.</param>
    /// <param name="error">Why the text is not JSON.</param>
    public static bool TryConvert(in ReadOnlySequence<byte> json, WireShape shape, IBufferWriter<byte> output, int maxDepth, [NotNullWhen(false)] out string? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = maxDepth + 2 });
        }
        catch (JsonException e)
        {
            error = TakesText(shape) && !OpensJsonValue(json) ? DescribeUnquoted(json, e) : Describe(e);
            return false;
        }
        using (document)
        {
            var writer = new MessagePackWriter(output);
            Write(ref writer, document.RootElement, shape);
            writer.Flush();
        }
        error = null;
        return true;
    }

    /// <summary>The parser's message, and the line and byte where it stopped.</summary>
    private static string Describe(JsonException error) =>
        error.BytePositionInLine is { } position ? $"{ParserWords(error)} (line {error.LineNumber + 1}, byte {position + 1})" : ParserWords(error);

    /// <summary>The parser's message without its line and position suffix.</summary>
    private static string ParserWords(JsonException error)
    {
        var message = error.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd('.', ' ');
    }

    /// <summary>
    /// The message for a bare word given to a parameter that takes a string (<c>redis-cli TINO.JSON get_item apple</c>):
    /// the word as it must be typed, in JSON quotes inside the single quotes that keep them from redis-cli and shells
    /// (which would strip plain double quotes), before the parser's words, so that it survives the cut of an error
    /// detail to 128 bytes. A long word, or one that needs escaping, is shown as <c>'"..."'</c>.
    /// </summary>
    private static string DescribeUnquoted(in ReadOnlySequence<byte> json, JsonException error)
    {
        var text = Encoding.UTF8.GetString(json);
        var example = Encoding.UTF8.GetByteCount(text) <= MaxExampleBytes && !text.Any(c => c is '\'' or '"' or '\\' || char.IsControl(c)) ? text : "...";
        return $"not JSON; quote a string: '\"{example}\"' in redis-cli or a shell ({ParserWords(error)})";
    }

    /// <summary>
    /// Whether a bare word could only have been meant as this parameter's value in quotes: a string, or a name standing
    /// for a value. Not for <c>object</c>, where <c>tru</c> is as likely a mistyped literal.
    /// </summary>
    private static bool TakesText(WireShape shape)
    {
        while (shape.Kind == WireKind.Nullable)
        {
            shape = shape.Element!;
        }
        return shape.Kind is WireKind.String or WireKind.Timestamp or WireKind.Enum or WireKind.Union or WireKind.Bin;
    }

    /// <summary>Whether the text starts as a JSON string, array or object would, so that its error lies further in.</summary>
    private static bool OpensJsonValue(in ReadOnlySequence<byte> json)
    {
        var reader = new SequenceReader<byte>(json);
        reader.AdvancePastAny((byte)' ', (byte)'\t', (byte)'\r', (byte)'\n');
        return reader.TryPeek(out var first) && first is (byte)'"' or (byte)'[' or (byte)'{';
    }

    private static void Write(ref MessagePackWriter writer, JsonElement element, WireShape shape)
    {
        while (shape.Kind == WireKind.Nullable)
        {
            shape = shape.Element!;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                writer.WriteNil();
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.Write(element.GetBoolean());
                break;
            case JsonValueKind.Number:
                WriteNumber(ref writer, element, shape);
                break;
            case JsonValueKind.String:
                WriteString(ref writer, element.GetString()!, shape);
                break;
            case JsonValueKind.Array:
                WriteArray(ref writer, element, shape);
                break;
            default:
                WriteObject(ref writer, element, shape);
                break;
        }
    }

    private static void WriteNumber(ref MessagePackWriter writer, JsonElement element, WireShape shape)
    {
        if (shape.Kind == WireKind.Decimal)
        {
            writer.Write(element.GetRawText());
        }
        else if (shape.Kind != WireKind.Float && element.TryGetInt64(out var signed) && (signed != 0 || shape.Kind == WireKind.Integer || element.GetRawText()[0] != '-'))
        {
            writer.Write(signed);
        }
        else if (shape.Kind != WireKind.Float && element.TryGetUInt64(out var unsigned))
        {
            writer.Write(unsigned);
        }
        else
        {
            writer.Write(element.GetDouble());
        }
    }

    private static void WriteString(ref MessagePackWriter writer, string text, WireShape shape)
    {
        switch (shape.Kind)
        {
            case WireKind.Bin when TryFromBase64(text, out var bytes):
                writer.Write(bytes);
                return;
            case WireKind.Enum when shape.Members.FirstOrDefault(m => string.Equals(m.Key, text, StringComparison.OrdinalIgnoreCase)) is { Key: not null } member:
                writer.Write(member.Value);
                return;
            case WireKind.Union when FindCase(shape, text) is { Fields.Count: 0 } bare:
                writer.WriteArrayHeader(2);
                writer.Write(bare.Tag);
                writer.WriteMapHeader(0);
                return;
            default:
                writer.Write(text);
                return;
        }
    }

    private static void WriteArray(ref MessagePackWriter writer, JsonElement element, WireShape shape)
    {
        var length = element.GetArrayLength();
        if (shape.Kind == WireKind.Union && length == 2 && CaseOf(shape, element[0]) is { } unionCase)
        {
            writer.WriteArrayHeader(2);
            writer.Write(unionCase.Tag);
            WriteMembers(ref writer, element[1], unionCase.Fields);
            return;
        }
        writer.WriteArrayHeader(length);
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var itemShape = shape.Kind switch
            {
                WireKind.Array => shape.Element!,
                WireKind.Tuple when index < shape.Items.Count => shape.Items[index],
                _ => Any,
            };
            Write(ref writer, item, itemShape);
            index++;
        }
    }

    private static void WriteObject(ref MessagePackWriter writer, JsonElement element, WireShape shape)
    {
        if (shape.Kind == WireKind.Record)
        {
            WriteMembers(ref writer, element, shape.Fields);
            return;
        }
        var isMap = shape.Kind == WireKind.Map;
        writer.WriteMapHeader(element.EnumerateObject().Count());
        foreach (var property in element.EnumerateObject())
        {
            WriteKey(ref writer, property.Name, isMap ? shape.Key! : Any);
            Write(ref writer, property.Value, isMap ? shape.Element! : Any);
        }
    }

    /// <summary>A record's (or a union case's) map: each known member converted by its own shape, unknown keys as they are.</summary>
    private static void WriteMembers(ref MessagePackWriter writer, JsonElement element, IReadOnlyList<WireField> fields)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Write(ref writer, element, Any);
            return;
        }
        writer.WriteMapHeader(element.EnumerateObject().Count());
        foreach (var property in element.EnumerateObject())
        {
            writer.Write(property.Name);
            var field = fields.FirstOrDefault(f => f.Name == property.Name);
            Write(ref writer, property.Value, field?.Shape ?? Any);
        }
    }

    private static void WriteKey(ref MessagePackWriter writer, string key, WireShape shape)
    {
        while (shape.Kind == WireKind.Nullable)
        {
            shape = shape.Element!;
        }
        if (shape.Kind is WireKind.Integer or WireKind.Enum && long.TryParse(key, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            writer.Write(number);
        }
        else if (shape.Kind == WireKind.Bool && bool.TryParse(key, out var flag))
        {
            writer.Write(flag);
        }
        else
        {
            WriteString(ref writer, key, shape);
        }
    }

    private static WireCase? CaseOf(WireShape union, JsonElement tag) => tag.ValueKind switch
    {
        JsonValueKind.String => FindCase(union, tag.GetString()!),
        JsonValueKind.Number when tag.TryGetInt32(out var number) => union.Cases.FirstOrDefault(c => c.Tag == number),
        _ => null,
    };

    private static WireCase? FindCase(WireShape union, string name) =>
        union.Cases.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        bytes = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            Array.Resize(ref bytes, written);
            return true;
        }
        return false;
    }

    private static WireShape Any { get; } = WireShape.Of(typeof(object));

    // The longest word shown back in the hint: the hint, the location and a parameter name of 30-odd characters then
    // fit in the 128 bytes of an error detail (the parser's words after them may be cut).
    private const int MaxExampleBytes = 16;
}
