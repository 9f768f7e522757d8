namespace Tino.Protocol;

/// <summary>The outcome of a RESP parse attempt over the bytes received so far.</summary>
public enum RespStatus : byte
{
    /// <summary>The bytes so far are a valid start of a frame but not a whole one; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole frame was parsed and the reader advanced past it.</summary>
    Complete,

    /// <summary>The bytes can never become a valid frame (or break a limit); the error says why and the connection should close.</summary>
    Error,
}
