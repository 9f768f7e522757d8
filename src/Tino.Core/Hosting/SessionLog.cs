using Microsoft.Extensions.Logging;

namespace Tino.Hosting;

/// <summary>Log lines of cursors and subscribers.</summary>
internal static partial class SessionLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Subscriber connection {ConnectionId} dropped: it fell behind, with more than {Limit} bytes of events queued")]
    public static partial void SubscriberDropped(ILogger logger, long connectionId, long limit);

    [LoggerMessage(EventId = 41, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed cursor {Cursor} of {Command}: unread for {IdleSeconds} s")]
    public static partial void CursorExpired(ILogger logger, long connectionId, string cursor, string command, double idleSeconds);
}
