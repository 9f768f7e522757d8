using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Tino.Client;

/// <summary>Turns an error line from the server into the exception its code calls for.</summary>
internal static class ErrorReplies
{
    /// <summary>
    /// What a failed call throws: the error's exception, or, for DEADLINE_EXCEEDED, the <see cref="TimeoutException"/> the
    /// client's own call timeout throws, with the server's error inside.
    /// </summary>
    public static Exception ToFailure(ReadOnlySpan<byte> line)
    {
        var error = ToException(line);
        return error.Code == ErrorCodes.DeadlineExceeded ? new TimeoutException($"the call's deadline passed on the server: {error.Message}", error) : error;
    }

    public static TinoRemoteException ToException(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line);
        var space = text.IndexOf(' ');
        var code = space < 0 ? text : text[..space];
        var detail = space < 0 ? "" : text[(space + 1)..];
        var (location, strings) = ParseDetail(detail);
        var message = strings.Count > 0 ? strings[0] : detail.Length > 0 ? detail : code;
        return code switch
        {
            ErrorCodes.InvalidCommand => new TinoCommandNotFoundException($"no command {detail}", detail),
            ErrorCodes.NumArgMismatch => new TinoArgumentException(code, detail, detail, null, null),
            ErrorCodes.InvalidMsgPack or "INVALID_JSON" => new TinoArgumentException(code, message, detail, location, null),
            ErrorCodes.ValidationError => new TinoArgumentException(code, message, detail, location, strings.Count > 1 ? strings[1] : null),
            ErrorCodes.PermissionDenied => new TinoPermissionException(strings.Count > 0 ? message : "permission denied", detail),
            _ => new TinoRemoteException(code, message, detail) { ErrorValue = strings.Count > 1 ? FromBase64(strings[1]) : default },
        };
    }

    /// <summary>A typed error's value (the second string of a handler's error detail), or nothing if it is not base64.</summary>
    private static ReadOnlyMemory<byte> FromBase64(string text)
    {
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes.AsMemory(0, written) : default;
    }

    /// <summary>
    /// Reads the JSON values of a detail: an optional location array, then strings.
    /// A detail that is not JSON (a command name, "expected 2 got 1") gives neither.
    /// </summary>
    private static (IReadOnlyList<object>? Location, List<string> Strings) ParseDetail(string detail)
    {
        var strings = new List<string>();
        List<object>? location = null;
        if (detail.Length == 0 || detail[0] is not ('[' or '"'))
        {
            return (null, strings);
        }
        var bytes = Encoding.UTF8.GetBytes(detail);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartArray && location is null && strings.Count == 0)
                {
                    location = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        location.Add(reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : reader.GetString() ?? "");
                    }
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    strings.Add(reader.GetString() ?? "");
                }
            }
        }
        catch (JsonException)
        {
            // A detail cut short (by a server that cuts the quoted text) may end inside a string: keep its text so far.
            var rest = Encoding.UTF8.GetString(bytes, (int)reader.BytesConsumed, bytes.Length - (int)reader.BytesConsumed).TrimStart();
            if (rest.StartsWith('"') && UnfinishedString(rest[1..]) is { } text)
            {
                strings.Add(text);
            }
        }
        return (location, strings);
    }

    /// <summary>The text of a JSON string whose closing quote was cut off, an escape cut in half left out.</summary>
    private static string? UnfinishedString(string body)
    {
        var backslashes = body.Length - body.TrimEnd('\\').Length;
        if (backslashes % 2 == 1)
        {
            body = body[..^1];
        }
        var unicode = body.LastIndexOf("\\u", StringComparison.Ordinal);
        if (unicode >= 0 && body.Length - unicode < 6 && (unicode == 0 || body[unicode - 1] != '\\'))
        {
            body = body[..unicode];
        }
        try
        {
            var json = Encoding.UTF8.GetBytes("\"" + body + "\"");
            var reader = new Utf8JsonReader(json);
            return reader.Read() && reader.TokenType == JsonTokenType.String && reader.BytesConsumed == json.Length ? reader.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
