namespace Tino.Serialization;

/// <summary>The kinds of <see cref="MessagePackFault"/>.</summary>
internal enum MessagePackFaultKind
{
    /// <summary>Not one well-formed MessagePack value: replied as <c>INVALID_MSGPACK</c>.</summary>
    Malformed,

    /// <summary>Well-formed so far, but a value is nested inside more arrays or maps than allowed: replied as <c>VALIDATION_ERROR</c>.</summary>
    TooDeep,
}
