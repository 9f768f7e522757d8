namespace Tino.Hosting;

/// <summary>The built-ins of streams (PROTOCOL.md section 6) and server events (section 6a).</summary>
internal enum SessionBuiltinKind
{
    Iter,
    Next,
    Close,
    Subscribe,
    Unsubscribe,
    PSubscribe,
    PUnsubscribe,
}

/// <summary>
/// A stream or event built-in, boxed once for its <see cref="CommandTable{T}"/>. Kept apart from <see cref="Builtin"/>
/// because these hold state across requests: cursors and subscriptions.
/// </summary>
internal sealed class SessionBuiltin(SessionBuiltinKind kind, string name)
{
    public SessionBuiltinKind Kind { get; } = kind;

    /// <summary>The lower-case name Redis uses in its errors.</summary>
    public string Name { get; } = name;

    /// <summary>Whether Redis allows it in the RESP2 subscribed state.</summary>
    public bool AllowedWhileSubscribed => Kind >= SessionBuiltinKind.Subscribe;

    public static CommandTable<SessionBuiltin> Table { get; } = CreateTable();

    /// <summary>What <c>COMMAND</c> and <c>COMMAND DOCS</c> say of each, in the words of <see cref="Builtin"/>'s table.</summary>
    public static IReadOnlyList<(string Name, int Arity, string Group, string Summary, string Arguments)> Listing { get; } =
    [
        ("iter", -2, "tino", "Starts a stream command: replies a cursor and a first batch", "command argument*"),
        ("next", -2, "tino", "The next batch of a stream's cursor (count: 64 by default)", "cursor count?"),
        ("close", 2, "tino", "Ends a stream's cursor and cancels its producer", "cursor"),
        ("subscribe", -2, "pubsub", "Receives the events of channels", "channel channel*"),
        ("unsubscribe", -1, "pubsub", "Stops receiving the events of channels (all when none is named)", "channel*"),
        ("psubscribe", -2, "pubsub", "Receives the events of channels matching glob patterns", "pattern pattern*"),
        ("punsubscribe", -1, "pubsub", "Stops receiving the events of patterns (all when none is named)", "pattern*"),
    ];

    private static CommandTable<SessionBuiltin> CreateTable()
    {
        var table = new CommandTable<SessionBuiltin>();
        foreach (var kind in Enum.GetValues<SessionBuiltinKind>())
        {
            var name = kind.ToString().ToLowerInvariant();
            table.TryAdd(name, new SessionBuiltin(kind, name));
        }
        return table;
    }
}
