using System.Buffers;
using System.Text;
using Tino.Events;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// The event subscriptions of one session (PROTOCOL.md section 6a), with Redis's RESP2 subscribed-state rules: while
/// a connection holds a subscription it may only (un)subscribe, PING (replied <c>["pong", ""]</c>) and QUIT; events
/// are written between requests, the connection woken for them when it waits for the client.
/// </summary>
internal sealed class Subscriptions(Session session, Action wake, Action abort)
{
    private SubscriberQueue? _events;
    private Dictionary<string, EventSubscription>? _channels;
    private Dictionary<string, EventSubscription>? _patterns;

    private int Count => (_channels?.Count ?? 0) + (_patterns?.Count ?? 0);

    /// <summary>Whether the connection is in the subscribed state, where app commands are refused.</summary>
    public bool IsSubscribed => Count > 0;

    private EventHub Hub => session.App.Publisher.Hub;

    /// <summary>The built-in SUBSCRIBE.</summary>
    public static ValueTask Subscribe(Session session, RespArguments arguments) => session.Subscriptions.Add(arguments, patterns: false);

    /// <summary>The built-in PSUBSCRIBE.</summary>
    public static ValueTask PSubscribe(Session session, RespArguments arguments) => session.Subscriptions.Add(arguments, patterns: true);

    /// <summary>The built-in UNSUBSCRIBE.</summary>
    public static ValueTask Unsubscribe(Session session, RespArguments arguments) => session.Subscriptions.Remove(arguments, patterns: false);

    /// <summary>The built-in PUNSUBSCRIBE.</summary>
    public static ValueTask PUnsubscribe(Session session, RespArguments arguments) => session.Subscriptions.Remove(arguments, patterns: true);

    /// <summary>SUBSCRIBE or PSUBSCRIBE: one confirmation per name, with the connection's subscription count.</summary>
    private ValueTask Add(RespArguments args, bool patterns)
    {
        var output = session.Output;
        var context = session.Context;
        if (!patterns && !context.IsAuthenticated)
        {
            for (var i = 0; i < args.Count; i++)
            {
                if (Hub.RequiresAuth(Encoding.UTF8.GetString(args[i])))
                {
                    RespWriter.WriteError(output, ErrorCodes.PermissionDenied, CommandError.NotAuthenticatedDetail);
                    return default;
                }
            }
        }
        _events ??= new SubscriberQueue(session.App.App.Options.Events.MaxQueuedBytesPerSubscriber, wake, DropForFallingBehind);
        var table = patterns ? _patterns ??= new(StringComparer.Ordinal) : _channels ??= new(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var nameBytes = args[i].ToArray();
            var name = Encoding.UTF8.GetString(nameBytes);
            if (!table.ContainsKey(name))
            {
                var subscription = new EventSubscription(_events, name, nameBytes, patterns, context.IsAuthenticated, session.UsesJson);
                table[name] = subscription;
                Hub.Add(subscription);
            }
            EventFrames.Confirmation(output, patterns ? "psubscribe"u8 : "subscribe"u8, nameBytes, Count);
        }
        return default;
    }

    /// <summary>UNSUBSCRIBE or PUNSUBSCRIBE, of the names given or of all; events queued before it are written first.</summary>
    private ValueTask Remove(RespArguments args, bool patterns)
    {
        WriteQueuedEvents();
        var output = session.Output;
        var kind = patterns ? "punsubscribe"u8 : "unsubscribe"u8;
        var table = patterns ? _patterns : _channels;
        if (args.Count == 0)
        {
            if (table is not { Count: > 0 })
            {
                EventFrames.Confirmation(output, kind, null, Count);
                return default;
            }
            foreach (var subscription in table.Values.ToArray())
            {
                Drop(table, subscription.Name);
                EventFrames.Confirmation(output, kind, subscription.NameBytes, Count);
            }
            return default;
        }
        for (var i = 0; i < args.Count; i++)
        {
            var nameBytes = args[i].ToArray();
            if (table is not null)
            {
                Drop(table, Encoding.UTF8.GetString(nameBytes));
            }
            EventFrames.Confirmation(output, kind, nameBytes, Count);
        }
        return default;
    }

    private void Drop(Dictionary<string, EventSubscription> table, string name)
    {
        if (table.Remove(name, out var subscription))
        {
            Hub.Remove(subscription);
        }
    }

    /// <summary>Writes the events queued since the last time; the connection flushes them with its replies.</summary>
    public void WriteQueuedEvents() => _events?.WriteTo(session.Output);

    /// <summary>Called on a publisher's thread when this subscriber's queue passes its limit: log, and close the connection off that thread.</summary>
    private void DropForFallingBehind()
    {
        SessionLog.SubscriberDropped(session.Logger, session.Id, session.App.App.Options.Events.MaxQueuedBytesPerSubscriber);
        ThreadPool.UnsafeQueueUserWorkItem(static abort => abort(), abort, preferLocal: false);
    }

    /// <summary>Ends every subscription of a closing connection.</summary>
    public void EndAll()
    {
        _events?.Close();
        foreach (var subscription in (_channels?.Values ?? Enumerable.Empty<EventSubscription>()).Concat(_patterns?.Values ?? Enumerable.Empty<EventSubscription>()))
        {
            Hub.Remove(subscription);
        }
        _channels?.Clear();
        _patterns?.Clear();
    }
}
