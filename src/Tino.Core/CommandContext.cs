using System.Buffers;
using MessagePack;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino;

/// <summary>
/// One call as it passes through the pipeline. A connection reuses its contexts from call to call,
/// so middleware must not keep one after its call has finished.
/// </summary>
public sealed class CommandContext
{
    internal CommandContext(ConnectionContext connection)
    {
        Connection = connection;
        CancellationToken = connection.Closed;
        Command = null!;
        Output = null!;
        Serializer = null!;
    }

    /// <summary>The command being called.</summary>
    public CommandHandler Command { get; internal set; }

    /// <summary>The connection the call arrived on.</summary>
    public ConnectionContext Connection { get; }

    /// <summary>
    /// The raw argument slices. They point into the connection's receive buffer and are valid only
    /// until the call first awaits: read them synchronously or not at all.
    /// </summary>
    public RespArguments Arguments { get; internal set; } = EmptyArguments;

    /// <summary>
    /// Cancelled when the connection closes or the server stops, and when the call's <see cref="Deadline"/> passes; for a
    /// stream opened by <c>ITER</c>, also when its cursor is closed or expires.
    /// </summary>
    public CancellationToken CancellationToken { get; internal set; }

    /// <summary>The metadata the caller sent with the call (a tenant, a request id, a user agent); empty when it sent none.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Caller?.Metadata ?? NoMetadata;

    /// <summary>
    /// When the caller stops waiting, by the server's clock: the timeout it sent, counted from when the server read the
    /// call. Null when the call has no deadline.
    /// </summary>
    public DateTimeOffset? Deadline { get; internal set; }

    /// <summary>Where the call's RESP reply is written.</summary>
    public IBufferWriter<byte> Output { get; internal set; }

    /// <summary>The MessagePack options arguments and results use.</summary>
    public MessagePackSerializerOptions Serializer { get; internal set; }

    /// <summary>The error code the call replied, or null when it replied a value; set by the error boundary.</summary>
    internal string? ResultCode { get; set; }

    internal ArgumentFrame Frame { get; } = new();

    /// <summary>Set by <c>ITER</c>: a stream result becomes <see cref="Cursor"/> instead of a reply.</summary>
    internal bool OpensCursor { get; set; }

    /// <summary>The cursor a stream command opened when <see cref="OpensCursor"/> was set.</summary>
    internal StreamCursor? Cursor { get; set; }

    internal ArrayBufferWriter<byte> Scratch { get; } = new(256);

    /// <summary>Set for a call made with JSON (<c>TINO.JSON</c>, <c>TINO.CODEC json</c>): results are replied as JSON text.</summary>
    internal bool RepliesJson { get; set; }

    /// <summary>The context the running call carries, or null when it carries none.</summary>
    internal WireContext? Caller { get; set; }

    /// <summary>The context object this call context reads every call's wire context into.</summary>
    internal WireContext WireContext => _wireContext ??= new();

    /// <summary>The token of a call whose context asks for one (a deadline, an id to be cancelled by), reused from call to call.</summary>
    internal CallCancellation Cancellation => _cancellation ??= new CallCancellation(Connection.Closed);

    /// <summary>Whether the running call's token is its own (<see cref="Cancellation"/>), not the connection's.</summary>
    internal bool HasOwnToken { get; private set; }

    /// <summary>Gives the call a token of its own, which also fires in <paramref name="timeout"/> when one is given.</summary>
    internal void StartOwnToken(TimeSpan? timeout)
    {
        CancellationToken = Cancellation.Start(timeout);
        Deadline = timeout is { } remaining ? DateTimeOffset.UtcNow + remaining : null;
        HasOwnToken = true;
    }

    /// <summary>Ends the call's own token: the connection's is the token again.</summary>
    internal void EndOwnToken()
    {
        _cancellation!.End();
        CancellationToken = Connection.Closed;
        Deadline = null;
        HasOwnToken = false;
    }

    private static RespArguments EmptyArguments { get; } = new();

    private static IReadOnlyDictionary<string, string> NoMetadata { get; } = new Dictionary<string, string>();

    private WireContext? _wireContext;
    private CallCancellation? _cancellation;
}
