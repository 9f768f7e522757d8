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

    /// <summary>An app whose <c>echo_bin</c> borrows its argument, as the interop servers' does, and whose <c>echo_array</c> copies it.</summary>
    public static TinoApp EchoApp { get; } = TinoApp.Empty
        .WithCommand("echo_bin", (ReadOnlyMemory<byte> bytes) => bytes)
        .WithCommand("echo_array", (byte[] bytes) => bytes);

    /// <summary>The MessagePack bin of <paramref name="length"/> bytes (i mod 251).</summary>
    public static byte[] Bin(int length) =>
        MessagePack.MessagePackSerializer.Serialize(Enumerable.Range(0, length).Select(i => (byte)(i % 251)).ToArray());

    /// <summary>A RESP bulk string of <paramref name="bytes"/>.</summary>
    public static byte[] Bulk(byte[] bytes) => [.. System.Text.Encoding.ASCII.GetBytes($"${bytes.Length}\r\n"), .. bytes, .. "\r\n"u8];

    /// <summary>A request of <paramref name="command"/> with one argument.</summary>
    public static byte[] Call(string command, byte[] argument) =>
        [.. System.Text.Encoding.ASCII.GetBytes($"*2\r\n${command.Length}\r\n{command}\r\n"), .. Bulk(argument)];

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
