using System.Globalization;

namespace Tino.Protocol;

/// <summary>The messages the parsers report, in one place so tests and servers see the same words.</summary>
internal static class RespErrors
{
    internal const string InvalidMultibulkLength = "invalid multibulk length";
    internal const string InvalidBulkLength = "invalid bulk length";
    internal const string InvalidInteger = "invalid integer";
    internal const string BareLineFeed = "expected CR before LF";
    internal const string ExpectedLineFeed = "expected LF after CR";
    internal const string ExpectedCrlfAfterBulk = "expected CRLF after bulk data";
    internal const string UnbalancedQuotes = "unbalanced quotes";
    internal const string NestingTooDeep = "arrays nested more than 64 deep";
    internal const string ReplyTooLarge = "reply larger than an array can hold";

    internal static RespError Protocol(string message) => new(RespErrorKind.Protocol, message);

    /// <summary>A request with more arguments than <see cref="RespLimits.MaxArguments"/>.</summary>
    internal static RespError ArgumentsPerRequest => new(RespErrorKind.LimitExceeded, "arguments per request");

    /// <summary>A bulk string longer than <see cref="RespLimits.MaxArgumentBytes"/>.</summary>
    internal static RespError BytesPerArgument => new(RespErrorKind.LimitExceeded, "bytes per argument");

    /// <summary>A request longer than <see cref="RespLimits.MaxRequestBytes"/>.</summary>
    internal static RespError BytesPerRequest => new(RespErrorKind.LimitExceeded, "bytes per request");

    /// <summary>An inline command line longer than <see cref="RespLimits.MaxInlineBytes"/>.</summary>
    internal static RespError BytesPerInlineRequest => new(RespErrorKind.LimitExceeded, "bytes per inline request");

    /// <summary>"expected '$', got '+'": a request array may only hold bulk strings.</summary>
    internal static RespError ExpectedBulk(byte got) => Protocol("expected '$', got " + Describe(got));

    /// <summary>"unknown reply type 'x'": the byte that starts a reply is not a RESP2 type.</summary>
    internal static RespError UnknownReplyType(byte got) => Protocol("unknown reply type " + Describe(got));

    /// <summary>Names a byte for a message: printable ASCII quoted, anything else (CR and LF among them) in hex.</summary>
    internal static string Describe(byte value) =>
        value is >= 0x20 and < 0x7F
            ? "'" + (char)value + "'"
            : "byte 0x" + value.ToString("X2", CultureInfo.InvariantCulture);
}
