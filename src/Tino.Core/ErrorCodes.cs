namespace Tino;

/// <summary>The error codes of the Tino wire protocol (PROTOCOL.md section 3).</summary>
public static class ErrorCodes
{
    /// <summary>No command of that name.</summary>
    public const string InvalidCommand = "INVALID_COMMAND";
    /// <summary>The wrong number of arguments.</summary>
    public const string NumArgMismatch = "NUM_ARG_MISMATCH";
    /// <summary>An argument is not one well-formed MessagePack value.</summary>
    public const string InvalidMsgPack = "INVALID_MSGPACK";
    /// <summary>A value does not fit its parameter's type or validation.</summary>
    public const string ValidationError = "VALIDATION_ERROR";
    /// <summary>AUTH failed, or an auth-only command on a connection that has not authenticated.</summary>
    public const string PermissionDenied = "PERMISSION_DENIED";
    /// <summary>The handler threw an ordinary exception.</summary>
    public const string UnexpectedError = "UNEXPECTED_ERROR";
    /// <summary>The bytes are not RESP; the connection closes.</summary>
    public const string ProtocolError = "PROTOCOL_ERROR";
    /// <summary>A frame is over a configured limit; the connection closes.</summary>
    public const string LimitExceeded = "LIMIT_EXCEEDED";
    /// <summary>A <c>TINO.JSON</c> argument is not JSON text.</summary>
    public const string InvalidJson = "INVALID_JSON";
    /// <summary>The server is draining and takes no new calls.</summary>
    public const string ShuttingDown = "SHUTTING_DOWN";
    /// <summary>A stream command called plainly would reply more than the plain reply limit; use <c>ITER</c>.</summary>
    public const string StreamTooLarge = "STREAM_TOO_LARGE";
    /// <summary><c>NEXT</c> or <c>CLOSE</c> on a cursor that is unknown, ended or closed.</summary>
    public const string InvalidCursor = "INVALID_CURSOR";
    /// <summary><c>TINO.HEALTH</c>: the server is starting, draining, or the app's readiness check failed.</summary>
    public const string NotReady = "NOT_READY";
    /// <summary>The call's deadline passed: before it started (it was not run), or while it ran (its token fired).</summary>
    public const string DeadlineExceeded = "DEADLINE_EXCEEDED";
    /// <summary>The caller cancelled the call (<c>TINO.CANCEL</c>) and the handler stopped through its token.</summary>
    public const string Cancelled = "CANCELLED";
    /// <summary>The call context sent before the arguments is malformed; the call was not run.</summary>
    public const string InvalidContext = "INVALID_CONTEXT";
}
