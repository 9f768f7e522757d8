using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using Tino.Hosting.Commands;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// What one connection keeps from request to request, and what its built-ins receive: where replies go, the app and
/// its command table, auth (on <see cref="Context"/>), the codec, stream cursors and event subscriptions. The
/// <see cref="Connection"/> moves the bytes; the session is the state they change.
/// </summary>
internal sealed class Session
{
    private readonly Action _wake;
    private readonly Action _abort;
    private StreamCursors? _cursors;
    private Subscriptions? _subscriptions;
    private JsonCalls? _json;

    public Session(PipeWriter output, ConnectionContext context, ServerCommands commands, TinoServer server, ILogger logger, Action wake, Action abort)
    {
        Output = output;
        Context = context;
        Commands = commands;
        Server = server;
        Logger = logger;
        _wake = wake;
        _abort = abort;
        CallContext = NewContext(output);
    }

    /// <summary>Where replies are written; the connection flushes them.</summary>
    public PipeWriter Output { get; }

    public ConnectionContext Context { get; }

    public long Id => Context.Id;

    public ServerCommands Commands { get; }

    public AppPipeline App => Commands.App;

    public TinoServer Server { get; }

    public ILogger Logger { get; }

    /// <summary>Set by QUIT or a failed AUTH: the connection closes once the replies written so far are flushed.</summary>
    public bool CloseAfterReplies { get; set; }

    /// <summary>Whether arguments and replies are JSON text (<c>TINO.CODEC json</c>).</summary>
    public bool UsesJson { get; set; }

    /// <summary>Whether the connection is in the subscribed state, where only a few built-ins run.</summary>
    public bool IsSubscribed => _subscriptions is { IsSubscribed: true };

    public StreamCursors Cursors => _cursors ??= new StreamCursors(this);

    public Subscriptions Subscriptions => _subscriptions ??= new Subscriptions(this, _wake, _abort);

    public JsonCalls Json => _json ??= new JsonCalls(this);

    /// <summary>
    /// The context of the calls that reply straight to <see cref="Output"/>: the connection's calls one after another,
    /// and those that ITER and TINO.JSON make. One call at a time uses it: the connection waits for each.
    /// </summary>
    public CommandContext CallContext { get; }

    /// <summary>A context for calls whose replies go to <paramref name="output"/>.</summary>
    public CommandContext NewContext(IBufferWriter<byte> output) => new(Context) { Output = output, Serializer = App.Serializer };

    /// <summary>Writes the events queued since the last time; the connection flushes them with its replies.</summary>
    public void WriteQueuedEvents() => _subscriptions?.WriteQueuedEvents();

    /// <summary>Ends every cursor and subscription of a closing connection.</summary>
    public void End()
    {
        _cursors?.EndAll();
        _subscriptions?.EndAll();
    }

    public void WriteWrongArgumentCount(string command) =>
        RespWriter.WriteError(Output, "ERR", $"wrong number of arguments for '{command}' command");

    public void WriteUnknownSubcommand(string command, RespArguments arguments) =>
        RespWriter.WriteError(Output, "ERR", $"unknown subcommand '{(arguments.Count > 0 ? arguments.GetText(0) : "")}'. Try {command} HELP.");

    /// <summary>What Redis replies to a known command other than (un)subscribing, PING and QUIT in the subscribed state.</summary>
    public void WriteRefusedWhileSubscribed(string command) =>
        RespWriter.WriteRawError(Output, Encoding.UTF8.GetBytes(
            $"ERR Can't execute '{command}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
}
