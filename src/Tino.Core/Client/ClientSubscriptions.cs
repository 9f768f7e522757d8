using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>An event as received: the channel it was published to, and its MessagePack.</summary>
internal readonly record struct ReceivedEvent(string Channel, ReadOnlyMemory<byte> Payload);

/// <summary>
/// A client's subscriptions: one connection in the subscribed state, opened on first use, whose push frames
/// (<c>message</c>, <c>pmessage</c>) are fanned out to every local reader of the channel or pattern. The server is asked
/// to subscribe once per name, and to unsubscribe when its last local reader leaves; both requests are queued under one
/// lock, so the server always sees them in the order readers came and went.
/// </summary>
internal sealed class ClientSubscriptions(Func<Func<RespReply, bool>, CancellationToken, Task<ClientConnection>> open)
{
    private readonly object _gate = new();
    private readonly Dictionary<(bool Pattern, string Name), Entry> _entries = [];
    private Task<ClientConnection>? _connection;
    private Exception? _closed;

    public async IAsyncEnumerable<ReceivedEvent> ListenAsync(string name, bool pattern, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var listener = Channel.CreateUnbounded<ReceivedEvent>(new UnboundedChannelOptions { SingleReader = true });
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue((pattern, name), out entry!) || entry.Connection != connection)
            {
                entry = new Entry(connection, Send(connection, pattern ? "PSUBSCRIBE" : "SUBSCRIBE", name).AsTask());
                _entries[(pattern, name)] = entry;
            }
            entry.Listeners.Add(listener.Writer);
        }
        try
        {
            await entry.Confirmed.WaitAsync(cancellationToken).ConfigureAwait(false);
            while (await listener.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (listener.Reader.TryRead(out var received))
                {
                    yield return received;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                entry.Listeners.Remove(listener.Writer);
                if (entry.Listeners.Count == 0 && _entries.GetValueOrDefault((pattern, name)) == entry)
                {
                    _entries.Remove((pattern, name));
                    if (entry.Confirmed.IsCompletedSuccessfully && connection.IsOpen)
                    {
                        _ = Send(connection, pattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", name);
                    }
                }
            }
        }
    }

    /// <summary>Routes a push frame to the readers of its channel or pattern; false for a reply that answers a request.</summary>
    public bool TryDispatch(RespReply reply)
    {
        if (reply is not { Kind: RespReplyKind.Array, Items: [{ Kind: RespReplyKind.BulkString } kind, ..] items })
        {
            return false;
        }
        (bool Pattern, string Name, string Channel, ReadOnlyMemory<byte> Payload) frame;
        if (items.Count == 3 && kind.Bytes.Span.SequenceEqual("message"u8))
        {
            var channel = Encoding.UTF8.GetString(items[1].Bytes.Span);
            frame = (false, channel, channel, items[2].Bytes);
        }
        else if (items.Count == 4 && kind.Bytes.Span.SequenceEqual("pmessage"u8))
        {
            frame = (true, Encoding.UTF8.GetString(items[1].Bytes.Span), Encoding.UTF8.GetString(items[2].Bytes.Span), items[3].Bytes);
        }
        else
        {
            return false;
        }
        lock (_gate)
        {
            if (_entries.TryGetValue((frame.Pattern, frame.Name), out var entry))
            {
                foreach (var listener in entry.Listeners)
                {
                    listener.TryWrite(new ReceivedEvent(frame.Channel, frame.Payload));
                }
            }
        }
        return true;
    }

    /// <summary>Closes the subscriber connection for good: every reader ends with <paramref name="reason"/>.</summary>
    public void Close(Exception reason)
    {
        Task<ClientConnection>? connection;
        lock (_gate)
        {
            _closed = reason;
            connection = _connection;
        }
        if (connection is { IsCompletedSuccessfully: true })
        {
            connection.Result.Close(reason);
        }
        Fail(reason, null);
    }

    private Task<ClientConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_closed is not null)
            {
                throw new TinoConnectionException("the client was disposed", _closed);
            }
            if (_connection is null || _connection.IsFaulted || _connection.IsCanceled || _connection is { IsCompletedSuccessfully: true, Result.IsOpen: false })
            {
                _connection = OpenWatchedAsync();
            }
            return _connection.WaitAsync(cancellationToken);
        }
    }

    private async Task<ClientConnection> OpenWatchedAsync()
    {
        var connection = await open(TryDispatch, CancellationToken.None).ConfigureAwait(false);
        _ = connection.Closed.ContinueWith(closed => Fail(closed.Result, connection), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return connection;
    }

    /// <summary>Ends the readers on <paramref name="connection"/> (all, when null) with <paramref name="reason"/>; the next subscription opens a new connection.</summary>
    private void Fail(Exception reason, ClientConnection? connection)
    {
        ChannelWriter<ReceivedEvent>[] listeners;
        lock (_gate)
        {
            var lost = _entries.Where(pair => connection is null || pair.Value.Connection == connection).ToArray();
            foreach (var (key, _) in lost)
            {
                _entries.Remove(key);
            }
            // Copied under the lock: a reader that leaves removes itself from its entry's list.
            listeners = [.. lost.SelectMany(pair => pair.Value.Listeners)];
        }
        var error = reason as TinoConnectionException ?? new TinoConnectionException("the subscriber connection was lost", reason);
        foreach (var listener in listeners)
        {
            listener.TryComplete(error);
        }
    }

    private static ValueTask<RespReply> Send(ClientConnection connection, string command, string name)
    {
        var request = new ArrayBufferWriter<byte>(32 + name.Length * 3);
        RespWriter.WriteArrayHeader(request, 2);
        RespWriter.WriteBulkString(request, Encoding.ASCII.GetBytes(command));
        RespWriter.WriteBulkString(request, Encoding.UTF8.GetBytes(name));
        return TinoClient.SendOn(connection, request.WrittenSpan, CancellationToken.None);
    }

    private sealed class Entry(ClientConnection connection, Task confirmed)
    {
        public ClientConnection Connection { get; } = connection;

        /// <summary>The server's confirmation of the subscription, or its error (PERMISSION_DENIED).</summary>
        public Task Confirmed { get; } = confirmed;

        public List<ChannelWriter<ReceivedEvent>> Listeners { get; } = [];
    }
}
