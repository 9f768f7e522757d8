using System.Buffers;
using System.Text;
using Tino.Events;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// Server events (PROTOCOL.md section 6a) with Redis's RESP2 subscribed-state rules: while a connection holds a
/// subscription it may only (un)subscribe, PING (replied <c>["pong", ""]</c>) and QUIT; events are written between
/// requests, the connection woken for them when it waits for the client.
/// </summary>
internal sealed partial class Connection
{
    private SubscriberQueue? _events;
    private Dictionary<string, EventSubscription>? _channels;
    private Dictionary<string, EventSubscription>? _patterns;

    private int SubscriptionCount => (_channels?.Count ?? 0) + (_patterns?.Count ?? 0);

    /// <summary>Whether the connection is in the subscribed state, where app commands are refused.</summary>
    private bool IsSubscribed => SubscriptionCount > 0;

    /// <summary>SUBSCRIBE or PSUBSCRIBE: one confirmation per name, with the connection's subscription count.</summary>
    private void Subscribe(bool patterns, string command)
    {
        var args = _arguments;
        if (args.Count == 0)
        {
            WrongArgumentCount(command);
            return;
        }
        var hub = _app.Publisher.Hub;
        if (!patterns && !Context.IsAuthenticated)
        {
            for (var i = 0; i < args.Count; i++)
            {
                if (hub.RequiresAuth(Encoding.UTF8.GetString(args[i])))
                {
                    RespWriter.WriteError(_output, "PERMISSION_DENIED"u8, CommandError.NotAuthenticatedDetail);
                    return;
                }
            }
        }
        _events ??= new SubscriberQueue(_app.App.Options.Events.MaxQueuedBytesPerSubscriber, _input.CancelPendingRead, DropForFallingBehind);
        var table = patterns ? _patterns ??= new(StringComparer.Ordinal) : _channels ??= new(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var nameBytes = args[i].ToArray();
            var name = Encoding.UTF8.GetString(nameBytes);
            if (!table.ContainsKey(name))
            {
                var subscription = new EventSubscription(_events, name, nameBytes, patterns, Context.IsAuthenticated, _jsonCodec);
                table[name] = subscription;
                hub.Add(subscription);
            }
            EventFrames.Confirmation(_output, patterns ? "psubscribe"u8 : "subscribe"u8, nameBytes, SubscriptionCount);
        }
    }

    /// <summary>UNSUBSCRIBE or PUNSUBSCRIBE, of the names given or of all; events queued before it are written first.</summary>
    private void Unsubscribe(bool patterns)
    {
        WriteQueuedEvents();
        var kind = patterns ? "punsubscribe"u8 : "unsubscribe"u8;
        var table = patterns ? _patterns : _channels;
        var args = _arguments;
        if (args.Count == 0)
        {
            if (table is not { Count: > 0 })
            {
                EventFrames.Confirmation(_output, kind, null, SubscriptionCount);
                return;
            }
            foreach (var subscription in table.Values.ToArray())
            {
                Drop(table, subscription.Name);
                EventFrames.Confirmation(_output, kind, subscription.NameBytes, SubscriptionCount);
            }
            return;
        }
        for (var i = 0; i < args.Count; i++)
        {
            var nameBytes = args[i].ToArray();
            if (table is not null)
            {
                Drop(table, Encoding.UTF8.GetString(nameBytes));
            }
            EventFrames.Confirmation(_output, kind, nameBytes, SubscriptionCount);
        }
    }

    private void Drop(Dictionary<string, EventSubscription> table, string name)
    {
        if (table.Remove(name, out var subscription))
        {
            _app.Publisher.Hub.Remove(subscription);
        }
    }

    /// <summary>
    /// In the subscribed state: PING replies <c>["pong", message]</c>, QUIT goes on as usual, and any other known command
    /// is refused as Redis refuses it. Returns false to let the ordinary built-ins answer (QUIT, or an unknown name).
    /// </summary>
    private bool AnswerWhileSubscribed(in ReadOnlySequence<byte> name, SessionBuiltin? session)
    {
        string? known = session?.Name;
        if (known is null && Builtin.Table.TryGet(name, out var builtin))
        {
            if (builtin.Kind == BuiltinKind.Quit || (builtin.Kind == BuiltinKind.Ping && _arguments.Count > 1))
            {
                return false;
            }
            if (builtin.Kind == BuiltinKind.Ping)
            {
                RespWriter.WriteArrayHeader(_output, 2);
                RespWriter.WriteBulkString(_output, "pong"u8);
                RespWriter.WriteBulkString(_output, _arguments.Count == 1 ? _arguments[0] : ReadOnlySequence<byte>.Empty);
                return true;
            }
            known = builtin.Name;
        }
        if (known is null && _app.Commands.TryGet(name, out var command))
        {
            known = command.Handler.Name.ToLowerInvariant();
        }
        if (known is null)
        {
            return false;
        }
        RespWriter.WriteRawError(_output, Encoding.UTF8.GetBytes(
            $"ERR Can't execute '{known}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
        return true;
    }

    /// <summary>Writes the events queued since the last time; the connection flushes them with its replies.</summary>
    private void WriteQueuedEvents() => _events?.WriteTo(_output);

    /// <summary>Called on a publisher's thread when this subscriber's queue passes its limit: log, and close the connection off that thread.</summary>
    private void DropForFallingBehind()
    {
        SessionLog.SubscriberDropped(_logger, Id, _app.App.Options.Events.MaxQueuedBytesPerSubscriber);
        ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.Abort(), this, preferLocal: false);
    }

    /// <summary>Ends every subscription of a closing connection.</summary>
    private void EndSubscriptions()
    {
        _events?.Close();
        foreach (var subscription in (_channels?.Values ?? Enumerable.Empty<EventSubscription>()).Concat(_patterns?.Values ?? Enumerable.Empty<EventSubscription>()))
        {
            _app.Publisher.Hub.Remove(subscription);
        }
        _channels?.Clear();
        _patterns?.Clear();
    }
}
