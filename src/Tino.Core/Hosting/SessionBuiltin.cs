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
