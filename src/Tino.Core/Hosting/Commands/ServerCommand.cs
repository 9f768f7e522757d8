using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Hosting.Commands;

/// <summary>
/// Runs a built-in on a connection's session with the request's arguments, writing its reply to the session's output.
/// Returns a completed task when it replied synchronously, else the task the connection awaits before reading on.
/// </summary>
internal delegate ValueTask BuiltinHandler(Session session, RespArguments arguments);

/// <summary>
/// One entry of a server's command table, as in Redis's: a built-in with its handler, or an app command with its
/// compiled pipeline; with the arity and flags the connection checks and what <c>COMMAND</c> and <c>COMMAND DOCS</c>
/// say about it.
/// </summary>
internal sealed class ServerCommand
{
    private ServerCommand(string name, int arity, string group, string summary, IReadOnlyList<string> arguments,
        bool allowedWhileSubscribed, BuiltinHandler? builtin, CompiledCommand? app)
    {
        Name = name.ToLowerInvariant();
        Arity = arity;
        Group = group;
        Summary = summary;
        Arguments = arguments;
        AllowedWhileSubscribed = allowedWhileSubscribed;
        Builtin = builtin;
        App = app;
    }

    /// <summary>The lower-case name Redis uses in its errors.</summary>
    public string Name { get; }

    /// <summary>Redis's arity: the name counts; negative means at least that many.</summary>
    public int Arity { get; }

    /// <summary>The group <c>COMMAND DOCS</c> files it under.</summary>
    public string Group { get; }

    /// <summary>One line for <c>COMMAND DOCS</c>.</summary>
    public string Summary { get; }

    /// <summary>Argument words: <c>name</c>, <c>name?</c> (optional) or <c>name*</c> (optional, repeated).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Whether Redis allows it in the RESP2 subscribed state.</summary>
    public bool AllowedWhileSubscribed { get; }

    /// <summary>The built-in's handler; null for an app command.</summary>
    public BuiltinHandler? Builtin { get; }

    /// <summary>The app command; null for a built-in.</summary>
    public CompiledCommand? App { get; }

    /// <summary>Whether a request with <paramref name="count"/> arguments (the name not counted) fits the arity.</summary>
    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count + 1 == Arity : count + 1 >= -Arity;

    /// <summary>A built-in. <paramref name="arguments"/> are words separated by spaces.</summary>
    public static ServerCommand ForBuiltin(string name, int arity, string group, string summary, string arguments, BuiltinHandler handler,
        bool allowedWhileSubscribed = false) =>
        new(name, arity, group, summary, arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), allowedWhileSubscribed, handler, app: null);

    /// <summary>An app command: its arity counts its wire parameters, its summary is its description and signature.</summary>
    public static ServerCommand ForApp(CompiledCommand command)
    {
        var handler = command.Handler;
        var signature = AppSchema.Signature(handler);
        var summary = handler.Description is { } description ? $"{description} {signature}" : signature;
        var arguments = AppSchema.WireParameters(handler).Select(p => p.Name).ToArray();
        return new(handler.Name, arguments.Length + 1, "app", summary, arguments, allowedWhileSubscribed: false, builtin: null, command);
    }
}
