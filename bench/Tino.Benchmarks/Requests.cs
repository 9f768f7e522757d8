namespace Tino.Benchmarks;

/// <summary>The bytes the benchmarks feed the server path, as a client sends them.</summary>
internal static class Requests
{
    /// <summary><c>ADD 1 2</c>: the command name, then MessagePack 1 and 2 (positive fixints).</summary>
    public static byte[] Add { get; } = "*3\r\n$3\r\nADD\r\n$1\r\n\x01\r\n$1\r\n\x02\r\n"u8.ToArray();

    /// <summary>The reply to <see cref="Add"/>: a bulk string holding MessagePack 3.</summary>
    public static byte[] AddReply { get; } = "$1\r\n\x03\r\n"u8.ToArray();

    /// <summary>An app whose <c>add</c> is the one the QuickStart sample serves.</summary>
    public static TinoApp AddApp { get; } = TinoApp.Empty.WithCommand("add", (int a, int b) => (long)a + b);

    /// <summary><paramref name="count"/> copies of <see cref="Add"/> back to back, as a pipelining client sends them.</summary>
    public static byte[] Pipelined(int count) => [.. Enumerable.Repeat(Add, count).SelectMany(request => request)];

    /// <summary>Throws when a benchmark's setup did not produce what the benchmark claims to measure.</summary>
    public static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark setup is wrong: {what}.");
        }
    }
}
