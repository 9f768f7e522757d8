namespace Tino.Protocol;

/// <summary>Why a RESP frame was rejected, which decides the error code sent back.</summary>
public enum RespErrorKind : byte
{
    /// <summary>The bytes are not RESP; the server replies <c>PROTOCOL_ERROR</c>.</summary>
    Protocol,

    /// <summary>The frame is valid RESP but over a configured limit; the server replies <c>LIMIT_EXCEEDED</c>.</summary>
    LimitExceeded,
}
