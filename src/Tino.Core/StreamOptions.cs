namespace Tino;

/// <summary>
/// How stream commands are served (PROTOCOL.md section 6): the plain reply's limit, and the cursors that
/// <c>ITER</c> opens. Every limit has a safe default.
/// </summary>
/// <example><code>options with { Streams = options.Streams with { MaxOpenCursors = 8 } }</code></example>
public sealed record StreamOptions
{
    /// <summary>The defaults of PROTOCOL.md section 6.</summary>
    public static StreamOptions Default { get; } = new();

    /// <summary>
    /// The most bytes a stream command called plainly may reply (the whole RESP array); past it the call replies
    /// <c>STREAM_TOO_LARGE</c> and the caller should use <c>ITER</c>. Default 64 MiB.
    /// </summary>
    public long MaxPlainReplyBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How many cursors one connection may hold open; the next <c>ITER</c> replies <c>LIMIT_EXCEEDED "open cursors"</c>. Default 64.</summary>
    public int MaxOpenCursors { get; init; } = 64;

    /// <summary>How many items a cursor's producer may make ahead of its reader before it waits. Default 128.</summary>
    public int ReadAhead { get; init; } = 128;

    /// <summary>How long <c>NEXT</c> (and <c>ITER</c>) waits for a first item before it replies an empty batch. Default 1 s.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a cursor may go unread before the server closes it and cancels its producer. Default 60 s.</summary>
    public TimeSpan CursorIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws when a value cannot work: every count at least 1, every time positive.</summary>
    internal void Check()
    {
        if (MaxPlainReplyBytes < 1 || MaxOpenCursors < 1 || ReadAhead < 1 || PollTimeout <= TimeSpan.Zero || CursorIdleTimeout <= TimeSpan.Zero)
        {
            throw new TinoBuildException(null, "StreamOptions: MaxPlainReplyBytes, MaxOpenCursors and ReadAhead must be at least 1, PollTimeout and CursorIdleTimeout positive.");
        }
    }
}
