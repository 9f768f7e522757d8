using System.Net.Security;
using MessagePack;

namespace Tino.Client;

/// <summary>How a <see cref="TinoClient"/> connects and calls.</summary>
public sealed record TinoClientOptions
{
    /// <summary>The defaults: no credentials, 10 s to connect, 30 s per call, reconnect on.</summary>
    public static TinoClientOptions Default { get; } = new();

    /// <summary>The user name sent with AUTH, when the server wants one.</summary>
    public string? UserName { get; init; }

    /// <summary>The password sent with AUTH on every connect and reconnect; none when null.</summary>
    public string? Password { get; init; }

    /// <summary>How long connecting (TCP, TLS and AUTH) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a call waits for its reply before it fails with <see cref="TimeoutException"/>; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many items a stream asks for with each <c>NEXT</c> (the server gives what it has ready, up to this). Default 128.</summary>
    public int StreamBatchSize { get; init; } = 128;

    /// <summary>How many <c>NEXT</c> requests a stream keeps in flight, so that a batch is on its way while the last is read. Default 2.</summary>
    public int StreamRequestsInFlight { get; init; } = 2;

    /// <summary>Whether the connection is wrapped in TLS (a <c>rediss://</c> URI sets it).</summary>
    public bool UseTls { get; init; }

    /// <summary>TLS settings (certificate checks, client certificates); the target host defaults to the server's name.</summary>
    public SslClientAuthenticationOptions? Tls { get; init; }

    /// <summary>Whether a lost connection is made again, with backoff, and AUTH sent again.</summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>The first wait before reconnecting; it doubles up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest wait between reconnect attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The commands the server has, by name (matched case-insensitively) with the number of arguments each takes; null
    /// (the default) checks nothing. A call of another name or with another number of arguments then fails at once,
    /// unsent, with the exception the server's reply would have become. <c>app.ConnectClientAsync(uri)</c> fills it
    /// from the app's own commands.
    /// </summary>
    public IReadOnlyDictionary<string, int>? KnownCommands { get; init; }

    /// <summary>
    /// Metadata sent with every call (a service name, a user agent, a tenant), which the server's middleware and handlers
    /// read as <c>CommandContext.Metadata</c> and <c>CallContext.Metadata</c>. At most 64 entries and 8 KiB.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>
    /// Whether calls carry a call context: the current trace, the <see cref="CallTimeout"/> (or what is left of the deadline
    /// of the call a handler serves) as the server's deadline, and <see cref="Metadata"/>. On by default; turn it off only
    /// for a Tino server that predates call contexts, which refuses them (<c>NUM_ARG_MISMATCH</c>).
    /// </summary>
    public bool SendCallContext { get; init; } = true;

    /// <summary>
    /// Middleware around every call (<see cref="TinoClient.CallAsync{T}(string, ReadOnlySpan{TinoArg})"/> and its kin; not
    /// streams, events or <see cref="TinoClient.ExecuteAsync"/>), the first listed running first: each is given the rest of
    /// the pipeline and returns the handler that runs before it. Composed once, when the client is made.
    /// </summary>
    public IReadOnlyList<TinoClientMiddleware>? Middleware { get; init; }

    /// <summary>
    /// The commands that are safe to run twice (matched case-insensitively), which <see cref="Resilience"/> may send
    /// again. <c>app.ConnectClientAsync(uri)</c> fills it from the app's commands marked idempotent.
    /// </summary>
    public IReadOnlySet<string>? IdempotentCommands { get; init; }

    /// <summary>
    /// A Polly pipeline run around each call of an idempotent command, after <see cref="Middleware"/>: retries, hedging
    /// (<see cref="TinoResilience"/> has both, with what is worth another attempt). Calls of other commands are sent once,
    /// whatever happens, since the client cannot know whether the server ran them. Null (the default) runs none.
    /// </summary>
    public Polly.ResiliencePipeline<ReadOnlyMemory<byte>>? Resilience { get; init; }

    /// <summary>MessagePack options for arguments and results; null uses Tino's resolver.</summary>
    public MessagePackSerializerOptions? Serializer { get; init; }
}
