using System.Globalization;

namespace Tino.Protocol;

/// <summary>The messages the parsers report, in one place so tests and servers see the same words.</summary>
internal static class RespErrors
{
    internal const string ArgumentsPerRequest = "arguments per request";
    internal const string BytesPerArgument = "bytes per argument";
    internal const string BytesPerRequest = "bytes per request";
    internal const string BytesPerInlineRequest = "bytes per inline request";

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

    internal static RespError Limit(string what) => new(RespErrorKind.LimitExceeded, what);

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
