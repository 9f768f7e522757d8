namespace Tino.Protocol;

/// <summary>The RESP2 type of a parsed reply.</summary>
public enum RespReplyKind : byte
{
    /// <summary>A simple string (<c>+OK</c>); its text is in <see cref="RespReply.Bytes"/>.</summary>
    SimpleString,

    /// <summary>A simple error (<c>-CODE detail</c>); the line after the dash is in <see cref="RespReply.Bytes"/>.</summary>
    Error,

    /// <summary>An integer (<c>:42</c>); the value is in <see cref="RespReply.Integer"/>.</summary>
    Integer,

    /// <summary>A bulk string (<c>$3\r\nabc</c>); its bytes are in <see cref="RespReply.Bytes"/>.</summary>
    BulkString,

    /// <summary>An array (<c>*2</c>); its elements are in <see cref="RespReply.Items"/>.</summary>
    Array,

    /// <summary>A null bulk string (<c>$-1</c>) or a null array (<c>*-1</c>).</summary>
    Null,
}
