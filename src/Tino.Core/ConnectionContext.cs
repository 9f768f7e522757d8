using System.Net;

namespace Tino;

/// <summary>What a connection knows about itself: its id, its peer, its auth value and its state.</summary>
public sealed class ConnectionContext
{
    private static long s_lastId;

    internal ConnectionContext(EndPoint? remoteEndPoint, CancellationToken closed)
    {
        Id = Interlocked.Increment(ref s_lastId);
        RemoteEndPoint = remoteEndPoint;
        Closed = closed;
    }

    /// <summary>An id unique among this process's connections, as <c>CLIENT ID</c> replies.</summary>
    public long Id { get; }

    /// <summary>The peer's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Cancelled when the connection closes or the server stops.</summary>
    public CancellationToken Closed { get; }

    /// <summary>The value the app's auth function returned, or null before a successful <c>AUTH</c>.</summary>
    public object? AuthValue { get; internal set; }

    /// <summary>Whether the connection has authenticated.</summary>
    public bool IsAuthenticated => AuthValue is not null;

    /// <summary>The name the client gave with <c>CLIENT SETNAME</c>.</summary>
    public string? ClientName { get; internal set; }

    /// <summary>When the connection last read bytes (<see cref="System.Diagnostics.Stopwatch"/> ticks): the arrival of the calls they hold, from which their timeouts count.</summary>
    internal long LastReadAt { get; set; }

    /// <summary>The connection's calls that carry an id, for <c>TINO.CANCEL</c>.</summary>
    internal Pipeline.CallsById Calls => _calls ??= new();

    private Pipeline.CallsById? _calls;

    /// <summary>The connection's <see cref="ConnState{T}"/> box, made before the first command that uses it.</summary>
    public object? State { get; internal set; }
}
