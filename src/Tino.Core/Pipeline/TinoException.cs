using System.Text.Json;
using System.Text.Encodings.Web;

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

    /// <summary>What follows the code on the error line: by default the message as a JSON string.</summary>
    public virtual string Detail => JsonQuote(Message);

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

    /// <summary>Writes <paramref name="values"/> as a compact JSON array, the form of an error location.</summary>
    internal static string JsonArray(IEnumerable<object> values) => JsonSerializer.Serialize(values, s_compactJson);
}
