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
}

/// <summary>A built-in, boxed once so that it can live in a <see cref="CommandTable{T}"/>.</summary>
internal sealed class Builtin(BuiltinKind kind, string name)
{
    public BuiltinKind Kind { get; } = kind;

    /// <summary>The lower-case name Redis uses in its argument-count errors.</summary>
    public string Name { get; } = name;

    public static CommandTable<Builtin> Table { get; } = CreateTable();

    private static CommandTable<Builtin> CreateTable()
    {
        var table = new CommandTable<Builtin>();
        foreach (var kind in Enum.GetValues<BuiltinKind>())
        {
            var name = kind.ToString().ToLowerInvariant();
            table.TryAdd(name, new Builtin(kind, name));
        }
        return table;
    }
}
