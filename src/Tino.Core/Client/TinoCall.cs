namespace Tino.Client;

/// <summary>
/// One call as client middleware sees it: the command, its arguments already encoded, the metadata it will carry, and
/// whether it is safe to send again. Immutable: a middleware passes a changed copy on (<c>call with { Metadata = ... }</c>).
/// </summary>
public sealed record TinoCall
{
    private static readonly IReadOnlyDictionary<string, string> s_noMetadata = new Dictionary<string, string>();

    /// <summary>A call of <paramref name="command"/> with arguments that are already MessagePack.</summary>
    public TinoCall(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(arguments);
        Command = command;
        Arguments = arguments;
    }

    /// <summary>The command's name.</summary>
    public string Command { get; init; }

    /// <summary>The MessagePack of each argument, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Arguments { get; init; }

    /// <summary>
    /// The metadata the call carries in its call context, which the server's middleware and handlers read; it starts as
    /// <see cref="TinoClientOptions.Metadata"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = s_noMetadata;

    /// <summary>
    /// Whether the command is declared idempotent (<see cref="TinoClientOptions.IdempotentCommands"/>): only such calls
    /// go through <see cref="TinoClientOptions.Resilience"/>, since only they may run twice.
    /// </summary>
    public bool IsIdempotent { get; init; }

    /// <summary>Ends the wait for the reply (the caller's token, or one a resilience strategy gives an attempt).</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/> in its <see cref="Metadata"/>.</summary>
    public TinoCall WithMetadata(string key, string value) =>
        this with { Metadata = new Dictionary<string, string>(Metadata) { [key] = value } };
}

/// <summary>The rest of a client's pipeline: sends <paramref name="call"/> and gives the MessagePack of its reply, or throws its error.</summary>
public delegate ValueTask<ReadOnlyMemory<byte>> TinoCallHandler(TinoCall call);

/// <summary>
/// Client middleware: given the rest of the pipeline (<paramref name="next"/>), the handler that runs first. Composed
/// once, when the client is made, in the order of <see cref="TinoClientOptions.Middleware"/>.
/// </summary>
/// <example><code>
/// TinoClientMiddleware tenant = next => call => next(call.WithMetadata("tenant", "acme"));
/// </code></example>
public delegate TinoCallHandler TinoClientMiddleware(TinoCallHandler next);
