namespace Tino.Samples.InteropServer.CSharp;

/// <summary>The interop command surface of docs/interop-server.md, built with the fluent builder.</summary>
public static class InteropApp
{
    private static readonly Dictionary<string, string> s_passwords = new()
    {
        ["tinaspassword"] = "tina",
        ["bobspassword"] = "bob",
    };

    /// <summary>A fresh app: each call gets its own note store, so ids start at 1.</summary>
    public static TinoApp Create() =>
        TinoApp.CreateBuilder()
            .UseAuth(password => s_passwords.GetValueOrDefault(password))
            .UseConnectionState(() => 0)
            .Command("add", (int a, int b) => (long)a + b)
            .Command("echo_value", (object? v) => v)
            .Command("concat", (string[] parts) => string.Concat(parts))
            .MapService<INotes>(new NoteStore())
            .Command("whoami", (AuthRequired<string> auth) => auth.Value)
            .Command("maybe_whoami", MaybeWhoAmI)
            .Command("counter", (ConnState<int> count) => ++count.Value)
            .Command("fail", (string code, string message) => { throw new TinoException(code, message); })
            .Command("crash", () => { throw new InvalidOperationException("crash: an ordinary exception"); })
            .Command("sleep", async (int ms, CancellationToken cancellation) =>
            {
                await Task.Delay(ms, cancellation);
                return ms;
            })
            .Command("blob", (int n) => Blob(n))
            .Command("blob_len", (byte[] b) => b.Length)
            .Command("echo_bin", (ReadOnlyMemory<byte> b) => b) // borrowed from the request, written straight into the reply
            .Command("range", (int n) => AsyncEnumerable.Range(0, n))
            .Command("shape_name", (Shape s) => s.Describe())
            .Command("notify", (string channel, object? v, Publisher events) => events.Publish(channel, v))
            .Build();

    // A method rather than a lambda: lambdas carry no nullability metadata, and the schema shows `string?`.
    private static string? MaybeWhoAmI(Auth<string> auth) => auth.Value;

    // The last blob made is kept, as a store keeps a value: BLOB in the payload benchmark then measures the reply, as
    // redis-server's GET of a stored value does, rather than the loop that fills the bytes. Callers only read it.
    private static byte[] s_lastBlob = [];

    private static byte[] Blob(int n)
    {
        var last = Volatile.Read(ref s_lastBlob);
        if (last.Length == n)
        {
            return last;
        }
        var bytes = new byte[n];
        for (var i = 0; i < n; i++)
        {
            bytes[i] = (byte)(i % 251);
        }
        Volatile.Write(ref s_lastBlob, bytes);
        return bytes;
    }
}
