using MessagePack;

namespace Tino.Serialization;

/// <summary>The MessagePack options Tino decodes and encodes with.</summary>
public static class TinoMessagePack
{
    /// <summary>The deepest nesting <see cref="CreateOptions"/> accepts: deeper input would risk the decoder's stack.</summary>
    public const int MaxSupportedDepth = 500;

    /// <summary>Options with the default nesting limit of 64 (PROTOCOL.md section 8).</summary>
    public static MessagePackSerializerOptions DefaultOptions { get; } = CreateOptions();

    /// <summary>
    /// Options using <see cref="TinoResolver.Instance"/> and <see cref="MessagePackSecurity.UntrustedData"/>
    /// (hash-collision-resistant maps), with the object graph depth bounded so that a value inside
    /// <paramref name="maxDepth"/> arrays or maps decodes and one inside more does not.
    /// </summary>
    /// <param name="maxDepth">How many arrays or maps a value may be inside (a top-level scalar is inside 0); 0 to <see cref="MaxSupportedDepth"/>.</param>
    /// <returns>Immutable options, safe to share.</returns>
    public static MessagePackSerializerOptions CreateOptions(int maxDepth = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, MaxSupportedDepth);

        // MessagePack-CSharp counts containers entered, and a value inside maxDepth containers may itself be an
        // (empty) array or map: maxDepth + 1 containers. MessagePackCheck enforces the exact rule before decoding.
        return MessagePackSerializerOptions.Standard
            .WithResolver(TinoResolver.Instance)
            .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(maxDepth + 1));
    }

    /// <summary>The <c>maxDepth</c> that <paramref name="options"/> were created with, for <see cref="MessagePackCheck"/>.</summary>
    internal static int MaxDepthOf(MessagePackSerializerOptions options) => Math.Max(0, options.Security.MaximumObjectGraphDepth - 1);
}
