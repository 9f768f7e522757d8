using System.Buffers;

namespace Tino.Hosting;

/// <summary>
/// What a connection keeps from one request to the next, cursors (Connection.Streams.cs) and subscriptions
/// (Connection.PubSub.cs): which of their built-ins runs, what the subscribed state refuses, and their end when the
/// connection closes.
/// </summary>
internal sealed partial class Connection
{
    /// <summary>Runs a stream or event built-in, or refuses what the subscribed state does not allow; false to go on with the ordinary built-ins.</summary>
    private bool TryRunSessionBuiltin(in ReadOnlySequence<byte> name, out ValueTask pending, out bool mustAwait)
    {
        pending = default;
        mustAwait = false;
        var session = SessionBuiltin.Table.TryGet(name, out var found) ? found : null;
        if (IsSubscribed && session is not { AllowedWhileSubscribed: true })
        {
            return AnswerWhileSubscribed(name, session);
        }
        switch (session?.Kind)
        {
            case null:
                return false;
            case SessionBuiltinKind.Iter:
                mustAwait = Iter(out pending);
                break;
            case SessionBuiltinKind.Next:
                mustAwait = Next(out pending);
                break;
            case SessionBuiltinKind.Close:
                Close();
                break;
            case SessionBuiltinKind.Subscribe or SessionBuiltinKind.PSubscribe:
                Subscribe(patterns: session.Kind == SessionBuiltinKind.PSubscribe, session.Name);
                break;
            default:
                Unsubscribe(patterns: session.Kind == SessionBuiltinKind.PUnsubscribe);
                break;
        }
        return true;
    }

    /// <summary>Ends every cursor and subscription of a closing connection.</summary>
    private void EndSessions()
    {
        _cursorSweep?.Dispose();
        StreamCursor[] open;
        lock (_cursorGate)
        {
            open = _cursors is null ? [] : [.. _cursors.Values];
            _cursors?.Clear();
            TinoTelemetry.CursorClosed(open.Length);
        }
        foreach (var cursor in open)
        {
            cursor.End(cancel: true);
        }
        EndSubscriptions();
    }
}
