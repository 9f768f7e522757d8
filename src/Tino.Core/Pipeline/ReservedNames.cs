using System.Collections.Frozen;

namespace Tino.Pipeline;

/// <summary>Command names the protocol keeps for its built-ins (PROTOCOL.md sections 4, 6 and 6a).</summary>
internal static class ReservedNames
{
    public static FrozenSet<string> All { get; } = new[]
    {
        "PING", "ECHO", "QUIT", "AUTH", "HELLO", "CLIENT", "SELECT", "CONFIG", "INFO", "COMMAND",
        "TINO.SCHEMA", "TINO.JSON", "TINO.CODEC", "TINO.HEALTH", "TINO.CANCEL",
        "ITER", "NEXT", "CLOSE",
        "SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
}
