namespace Tino.Serialization;

/// <summary>Why bytes are not one well-formed MessagePack value; meaningful only when the check failed.</summary>
/// <param name="Kind">Which error code the fault maps to.</param>
/// <param name="Message">A short human message with no CR or LF, e.g. <c>truncated value</c>.</param>
internal readonly record struct MessagePackFault(MessagePackFaultKind Kind, string Message);
