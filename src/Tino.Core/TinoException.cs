using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Encodings.Web;
using MessagePack;
using Tino.Protocol;

namespace Tino;

/// <summary>
/// The error a handler throws to reply <c>-&lt;CODE&gt; "&lt;message&gt;"</c> instead of a value.
/// A code that is not upper-case letters, digits and <c>_</c> replies <c>UNEXPECTED_ERROR</c> instead.
/// </summary>
/// <example><code>throw new TinoException("NOT_FOUND", $"no note {id}");</code></example>
public class TinoException : Exception
{
    private static readonly JsonWriterOptions s_compactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Creates an error that replies <c>-&lt;code&gt; "&lt;message&gt;"</c>.</summary>
    public TinoException(string code, string message) : this(code, message, null)
    {
    }

    /// <summary>Creates an error that replies <c>-&lt;code&gt; "&lt;message&gt;"</c> and keeps the exception that caused it.</summary>
    public TinoException(string code, string message, Exception? innerException) : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(code);
        Code = code;
    }

    /// <summary>The error code, sent as the first word of the error line.</summary>
    public string Code { get; }

    /// <summary>
    /// What follows the code on the error line: by default the message as a JSON string, its text cut to 128 bytes on a
    /// character boundary before it is quoted, so the quoted string is always whole.
    /// </summary>
    public virtual string Detail => JsonQuoteWithin(Message, RespWriter.MaxErrorTextBytes);

    /// <summary>Whether <see cref="Detail"/> is the message quoted after its text was cut (false where a subclass writes its own).</summary>
    internal virtual bool DetailIsQuotedMessage => true;

    /// <summary>Whether a typed error value goes with the reply (<see cref="TinoException{TError}"/>).</summary>
    internal virtual bool HasValue => false;

    /// <summary>Writes the typed error value that goes with the reply, if this error has one.</summary>
    internal virtual void WriteValue(IBufferWriter<byte> output, MessagePackSerializerOptions options)
    {
    }

    /// <summary>Whether <paramref name="code"/> may be sent as an error code: upper-case ASCII letters, digits and <c>_</c>.</summary>
    public static bool IsValidCode(string code)
    {
        if (code.Length == 0)
        {
            return false;
        }
        foreach (var c in code)
        {
            if (!(c is >= 'A' and <= 'Z' || c is >= '0' and <= '9' || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Writes <paramref name="value"/> as compact JSON, the form error details use.</summary>
    internal static string JsonQuote(string value) => WriteJson(value, static (writer, text) => writer.WriteStringValue(text));

    /// <summary>
    /// Writes the first <paramref name="maxBytes"/> UTF-8 bytes of <paramref name="value"/>'s text (never half a character)
    /// as a compact JSON string: the text is cut, not its quoted form, so the string always ends.
    /// </summary>
    internal static string JsonQuoteWithin(string value, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(value) > maxBytes)
        {
            var text = new byte[maxBytes];
            Utf8.FromUtf16(value, text, out _, out int written, replaceInvalidSequences: true);
            value = Encoding.UTF8.GetString(text, 0, written);
        }
        return JsonQuote(value);
    }

    /// <summary>Writes <paramref name="values"/> as a compact JSON array, the form of an error location.</summary>
    internal static string JsonArray(IEnumerable<object> values) => WriteJson(values, static (writer, items) =>
    {
        writer.WriteStartArray();
        foreach (var item in items)
        {
            switch (item)
            {
                case int index:
                    writer.WriteNumberValue(index);
                    break;
                case long index:
                    writer.WriteNumberValue(index);
                    break;
                default:
                    writer.WriteStringValue(Convert.ToString(item, CultureInfo.InvariantCulture));
                    break;
            }
        }
        writer.WriteEndArray();
    });

    /// <summary>JSON that <paramref name="write"/> writes, with a writer rather than the reflection-based serializer, which Native AOT lacks.</summary>
    private static string WriteJson<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_compactJson))
        {
            write(writer, value);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
