namespace Tino.Hosting.Commands;

/// <summary>
/// The built-in commands (PROTOCOL.md sections 4, 6 and 6a), each with its handler, its arity as Redis counts it (the
/// name included; negative: at least that many) and the argument words <c>COMMAND DOCS</c> shows: <c>name</c>
/// required, <c>name?</c> optional, <c>name*</c> optional and repeated.
/// </summary>
internal static class Builtins
{
    /// <summary>TINO.CANCEL, which the connection also looks for in the requests queued behind a running call.</summary>
    public static ServerCommand Cancel { get; } = ServerCommand.ForBuiltin(
        "tino.cancel", 2, "tino", "Cancels this connection's call whose context gave that id: replies 1 if its token fired or it was refused, else 0", "id", ConnectionCommands.Cancel);

    public static IReadOnlyList<ServerCommand> All { get; } =
    [
        ServerCommand.ForBuiltin("ping", -1, "connection", "Replies PONG, or the message given", "message?", ConnectionCommands.Ping, allowedWhileSubscribed: true),
        ServerCommand.ForBuiltin("echo", 2, "connection", "Replies the message given, byte for byte", "message", ConnectionCommands.Echo),
        ServerCommand.ForBuiltin("quit", -1, "connection", "Closes the connection after the earlier replies", "", ConnectionCommands.Quit, allowedWhileSubscribed: true),
        ServerCommand.ForBuiltin("auth", -2, "connection", "Authenticates the connection", "username? password", ConnectionCommands.Auth),
        ServerCommand.ForBuiltin("hello", -1, "connection", "Handshake: replies the server's properties (RESP2 only)", "protover? option*", ConnectionCommands.Hello),
        ServerCommand.ForBuiltin("client", -2, "connection", "CLIENT SETNAME, SETINFO, GETNAME and ID", "subcommand argument*", ConnectionCommands.Client),
        ServerCommand.ForBuiltin("select", 2, "connection", "Accepts database 0 only", "index", ConnectionCommands.Select),
        ServerCommand.ForBuiltin("config", -2, "server", "CONFIG GET replies an empty list", "subcommand argument*", ConnectionCommands.Config),
        ServerCommand.ForBuiltin("info", -1, "server", "A short text about the server", "section*", ConnectionCommands.Info),
        ServerCommand.ForBuiltin("command", -1, "server", "Command metadata: COMMAND, COMMAND COUNT, COMMAND INFO, COMMAND DOCS", "subcommand? name*", CommandListing.Command),
        ServerCommand.ForBuiltin("tino.schema", 1, "tino", "The MessagePack description of every command", "", ConnectionCommands.Schema),
        ServerCommand.ForBuiltin("tino.json", -2, "tino", "Calls a command with JSON arguments and replies JSON", "command argument*", JsonCalls.CallNamed),
        ServerCommand.ForBuiltin("tino.health", 1, "tino", "READY when the server takes calls, else NOT_READY and why (starting, draining, a failed check)", "", ConnectionCommands.Health),
        Cancel,
        ServerCommand.ForBuiltin("tino.codec", 2, "tino", "Switches this connection's arguments and replies to JSON or MessagePack", "json|msgpack", JsonCalls.SwitchCodec),
        ServerCommand.ForBuiltin("iter", -2, "tino", "Starts a stream command: replies a cursor and a first batch", "command argument*", StreamCursors.Iter),
        ServerCommand.ForBuiltin("next", -2, "tino", "The next batch of a stream's cursor (count: 64 by default)", "cursor count?", StreamCursors.Next),
        ServerCommand.ForBuiltin("close", 2, "tino", "Ends a stream's cursor and cancels its producer", "cursor", StreamCursors.Close),
        ServerCommand.ForBuiltin("subscribe", -2, "pubsub", "Receives the events of channels", "channel channel*", Subscriptions.Subscribe, allowedWhileSubscribed: true),
        ServerCommand.ForBuiltin("unsubscribe", -1, "pubsub", "Stops receiving the events of channels (all when none is named)", "channel*", Subscriptions.Unsubscribe, allowedWhileSubscribed: true),
        ServerCommand.ForBuiltin("psubscribe", -2, "pubsub", "Receives the events of channels matching glob patterns", "pattern pattern*", Subscriptions.PSubscribe, allowedWhileSubscribed: true),
        ServerCommand.ForBuiltin("punsubscribe", -1, "pubsub", "Stops receiving the events of patterns (all when none is named)", "pattern*", Subscriptions.PUnsubscribe, allowedWhileSubscribed: true),
    ];
}
