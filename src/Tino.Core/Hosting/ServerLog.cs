using System.Net;
using Microsoft.Extensions.Logging;

namespace Tino.Hosting;

internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Tino listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened from {RemoteEndPoint}")]
    public static partial void ConnectionOpened(ILogger logger, long connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Connection from {RemoteEndPoint} refused: {Open} connections are open, the most allowed")]
    public static partial void ConnectionRefused(ILogger logger, EndPoint? remoteEndPoint, int open);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Connection {ConnectionId} closed by the server: {Code} {Reason}")]
    public static partial void ConnectionRejected(ILogger logger, long connectionId, string code, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Connection {ConnectionId} ended by a transport error")]
    public static partial void ConnectionFaulted(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Tino stopping: draining {Open} connections")]
    public static partial void Stopping(ILogger logger, int open);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Tino stopped with {Open} connections still busy after the shutdown timeout; they were closed")]
    public static partial void ShutdownTimedOut(ILogger logger, int open);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Connection {ConnectionId} failed unexpectedly")]
    public static partial void ConnectionCrashed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "TLS handshake with {RemoteEndPoint} failed, connection closed: {Reason}")]
    public static partial void TlsHandshakeFailed(ILogger logger, EndPoint? remoteEndPoint, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: the client hung up during a call; its cancellation token fires")]
    public static partial void ClientHungUp(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "AUTH failed on connection {ConnectionId}; closing it")]
    public static partial void AuthFailed(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "Draining: not ready for {Seconds} s before refusing connections")]
    public static partial void Draining(ILogger logger, double seconds);

    [LoggerMessage(EventId = 63, Level = LogLevel.Error, Message = "The readiness check threw; TINO.HEALTH replies NOT_READY")]
    public static partial void ReadinessCheckFailed(ILogger logger, Exception exception);
}
