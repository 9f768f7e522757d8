using System.Buffers;
using Tino.Pipeline;

namespace Tino.Hosting.Commands;

/// <summary>
/// A server's one command table: the built-ins and the app's commands, found with one lookup straight from a
/// request's name bytes. Built once per server.
/// </summary>
internal sealed class ServerCommands
{
    private readonly CommandTable<ServerCommand> _table = new();
    private readonly List<ServerCommand> _all = [];
    private CommandListing? _listing;

    public ServerCommands(AppPipeline app)
    {
        App = app;
        foreach (var builtin in Builtins.All)
        {
            Add(builtin);
        }
        // AppPipeline.Build refused duplicates and reserved names already: every app command finds its place.
        foreach (var command in app.Commands)
        {
            Add(ServerCommand.ForApp(command));
        }
    }

    public AppPipeline App { get; }

    /// <summary>Every command, built-ins first, in table order.</summary>
    public IReadOnlyList<ServerCommand> All => _all;

    /// <summary>The replies of <c>COMMAND</c> and <c>COMMAND DOCS</c>, made at the first that asks.</summary>
    public CommandListing Listing => _listing ??= new CommandListing(_all);

    public ServerCommand? Find(in ReadOnlySequence<byte> name) => _table.TryGet(name, out var command) ? command : null;

    /// <summary>The app command named by <paramref name="name"/>, for the built-ins that call one (ITER, TINO.JSON).</summary>
    public CompiledCommand? FindApp(in ReadOnlySequence<byte> name) => Find(name)?.App;

    private void Add(ServerCommand command)
    {
        if (!_table.TryAdd(command.Name, command))
        {
            throw new InvalidOperationException($"'{command.Name}' is in the command table twice.");
        }
        _all.Add(command);
    }
}
