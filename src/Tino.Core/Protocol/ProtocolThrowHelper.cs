using System.Diagnostics.CodeAnalysis;

namespace Tino.Protocol;

/// <summary>Throws for the protocol layer's argument checks, kept out of line so callers stay small.</summary>
internal static class ProtocolThrowHelper
{
    [DoesNotReturn]
    internal static void ThrowArgumentOutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);
}
