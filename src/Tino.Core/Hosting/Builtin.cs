namespace Tino.Hosting;

/// <summary>The built-in commands a connection answers itself (PROTOCOL.md section 4).</summary>
internal enum BuiltinKind
{
    Ping,
    Echo,
    Quit,
    Auth,
    Hello,
    Client,
    Select,
    Config,
    Info,
    Command,
    TinoSchema,
    TinoJson,
    TinoCodec,
}

/// <summary>
/// A built-in, boxed once so that it can live in a <see cref="CommandTable{T}"/>, with what <c>COMMAND</c> and
/// <c>COMMAND DOCS</c> say about it.
/// </summary>
internal sealed class Builtin
{
    // Arity as Redis counts it (the name included; negative: at least that many). Arguments are words: "name" required,
    // "name?" optional, "name*" optional and repeated.
    private static readonly Builtin[] s_all =
    [
        new(BuiltinKind.Ping, "ping", -1, "connection", "Replies PONG, or the message given", "message?"),
        new(BuiltinKind.Echo, "echo", 2, "connection", "Replies the message given, byte for byte", "message"),
        new(BuiltinKind.Quit, "quit", -1, "connection", "Closes the connection after the earlier replies", ""),
        new(BuiltinKind.Auth, "auth", -2, "connection", "Authenticates the connection", "username? password"),
        new(BuiltinKind.Hello, "hello", -1, "connection", "Handshake: replies the server's properties (RESP2 only)", "protover? option*"),
        new(BuiltinKind.Client, "client", -2, "connection", "CLIENT SETNAME, SETINFO, GETNAME and ID", "subcommand argument*"),
        new(BuiltinKind.Select, "select", 2, "connection", "Accepts database 0 only", "index"),
        new(BuiltinKind.Config, "config", -2, "server", "CONFIG GET replies an empty list", "subcommand argument*"),
        new(BuiltinKind.Info, "info", -1, "server", "A short text about the server", "section*"),
        new(BuiltinKind.Command, "command", -1, "server", "Command metadata: COMMAND, COMMAND COUNT, COMMAND INFO, COMMAND DOCS", "subcommand? name*"),
        new(BuiltinKind.TinoSchema, "tino.schema", 1, "tino", "The MessagePack description of every command", ""),
        new(BuiltinKind.TinoJson, "tino.json", -2, "tino", "Calls a command with JSON arguments and replies JSON", "command argument*"),
        new(BuiltinKind.TinoCodec, "tino.codec", 2, "tino", "Switches this connection's arguments and replies to JSON or MessagePack", "json|msgpack"),
    ];

    private Builtin(BuiltinKind kind, string name, int arity, string group, string summary, string arguments)
    {
        Kind = kind;
        Name = name;
        Arity = arity;
        Group = group;
        Summary = summary;
        Arguments = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public BuiltinKind Kind { get; }

    /// <summary>The lower-case name Redis uses in its argument-count errors.</summary>
    public string Name { get; }

    /// <summary>Redis's arity: the name counts; negative means at least that many.</summary>
    public int Arity { get; }

    /// <summary>The group <c>COMMAND DOCS</c> files it under.</summary>
    public string Group { get; }

    /// <summary>One line for <c>COMMAND DOCS</c>.</summary>
    public string Summary { get; }

    /// <summary>Argument words: <c>name</c>, <c>name?</c> (optional) or <c>name*</c> (optional, repeated).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Every built-in, in table order.</summary>
    public static IReadOnlyList<Builtin> All => s_all;

    public static CommandTable<Builtin> Table { get; } = CreateTable();

    private static CommandTable<Builtin> CreateTable()
    {
        var table = new CommandTable<Builtin>();
        foreach (var builtin in s_all)
        {
            table.TryAdd(builtin.Name, builtin);
        }
        return table;
    }
}
