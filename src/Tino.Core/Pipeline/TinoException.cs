using System.Buffers;
using System.Text;
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
    private static readonly JsonSerializerOptions s_compactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
    /// What follows the code on the error line: by default the message as a JSON string, its text cut on a character
    /// boundary so that the quoted string fits the line's 128 bytes whole.
    /// </summary>
    public virtual string Detail => JsonQuoteWithin(Message, RespWriter.MaxErrorTextBytes);

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
    internal static string JsonQuote(string value) => JsonSerializer.Serialize(value, s_compactJson);

    /// <summary>
    /// Writes <paramref name="value"/> as a compact JSON string of at most <paramref name="maxBytes"/> UTF-8 bytes, cutting
    /// the text (never a character or a surrogate pair) rather than the quoted form, so the string always ends.
    /// </summary>
    internal static string JsonQuoteWithin(string value, int maxBytes)
    {
        var quoted = JsonQuote(value);
        if (Encoding.UTF8.GetByteCount(quoted) <= maxBytes)
        {
            return quoted;
        }
        // The longest prefix whose quoted form fits: escapes make the quoted length grow unevenly, so search for it.
        int fits = 0, tooLong = value.Length;
        while (tooLong - fits > 1)
        {
            var middle = (fits + tooLong) / 2;
            if (Encoding.UTF8.GetByteCount(JsonQuote(Prefix(value, middle))) <= maxBytes)
            {
                fits = middle;
            }
            else
            {
                tooLong = middle;
            }
        }
        return JsonQuote(Prefix(value, fits));
    }

    private static string Prefix(string value, int length) =>
        length > 0 && char.IsHighSurrogate(value[length - 1]) ? value[..(length - 1)] : value[..length];

    /// <summary>Writes <paramref name="values"/> as a compact JSON array, the form of an error location.</summary>
    internal static string JsonArray(IEnumerable<object> values) => JsonSerializer.Serialize(values, s_compactJson);
}
