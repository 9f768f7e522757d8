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
    /// Cancelled when the connection closes or the server stops; for a stream opened by <c>ITER</c>, also when its
    /// cursor is closed or expires.
    /// </summary>
    public CancellationToken CancellationToken { get; internal set; }

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

    private static RespArguments EmptyArguments { get; } = new();
}
