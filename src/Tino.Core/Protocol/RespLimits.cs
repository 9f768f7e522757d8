namespace Tino.Protocol;

/// <summary>
/// Size limits a request must respect. The parser checks each one as soon as the length it bounds is known,
/// before the bytes that would break it are buffered. Every value must be zero or more.
/// </summary>
public sealed record RespLimits
{
    /// <summary>The default limits of PROTOCOL.md section 8.</summary>
    public static RespLimits Default { get; } = new();

    /// <summary>The most arguments one request may carry, not counting the command name (default 1,024).</summary>
    public int MaxArguments
    {
        get;
        init => field = NotNegative(value, nameof(MaxArguments));
    } = 1024;

    /// <summary>The most bytes one bulk string of a request may hold, the command name included (default 16 MiB).</summary>
    public int MaxArgumentBytes
    {
        get;
        init => field = NotNegative(value, nameof(MaxArgumentBytes));
    } = 16 * 1024 * 1024;

    /// <summary>The most bytes one whole request may take, framing included (default 64 MiB).</summary>
    public long MaxRequestBytes
    {
        get;
        init => field = NotNegative(value, nameof(MaxRequestBytes));
    } = 64 * 1024 * 1024;

    /// <summary>The most bytes one inline command line may hold, its line terminator excluded (default 64 KiB).</summary>
    public int MaxInlineBytes
    {
        get;
        init => field = NotNegative(value, nameof(MaxInlineBytes));
    } = 64 * 1024;

    private static T NotNegative<T>(T value, string name)
        where T : System.Numerics.INumber<T>
    {
        if (T.IsNegative(value))
        {
            ProtocolThrowHelper.ThrowArgumentOutOfRange(name, "A limit must be zero or more.");
        }

        return value;
    }
}
