namespace Tino.Protocol;

/// <summary>The reason a RESP frame was rejected: meaningful only when a parser returned <see cref="RespStatus.Error"/>.</summary>
/// <param name="Kind">Whether the bytes are not RESP or break a limit.</param>
/// <param name="Message">
/// For <see cref="RespErrorKind.LimitExceeded"/>, what was exceeded: exactly one of "arguments per request",
/// "bytes per argument", "bytes per request" or "bytes per inline request". For <see cref="RespErrorKind.Protocol"/>,
/// a short human message such as "invalid bulk length". It never contains CR or LF, so it can go on an error line as is.
/// </param>
public readonly record struct RespError(RespErrorKind Kind, string Message);
