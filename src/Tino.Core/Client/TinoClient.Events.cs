using MessagePack;

namespace Tino.Client;

public sealed partial class TinoClient
{
    private readonly object _subscriptionsGate = new();
    private ClientSubscriptions? _subscriptions;

    /// <summary>
    /// The events published to <paramref name="channel"/> (PROTOCOL.md section 6a), decoded as <typeparamref name="T"/>,
    /// from the moment the server confirms the subscription until the enumeration ends. Subscriptions share one extra
    /// connection, in Redis's subscribed state, opened on first use (with the client's credentials); calls keep theirs.
    /// Leaving the enumeration unsubscribes once no other reader of the channel is left.
    /// </summary>
    /// <example><code>
    /// await foreach (var order in client.SubscribeAsync&lt;Order&gt;("orders.created", cancellation)) { ... }
    /// </code></example>
    /// <exception cref="TinoPermissionException">While enumerating: the channel needs an authenticated connection.</exception>
    /// <exception cref="TinoConnectionException">While enumerating: the subscriber connection was lost; subscribe again to go on.</exception>
    public async IAsyncEnumerable<T> SubscribeAsync<T>(string channel, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await foreach (var received in Subscriptions.ListenAsync(channel, pattern: false, cancellationToken).ConfigureAwait(false))
        {
            yield return MessagePackSerializer.Deserialize<T>(received.Payload, _serializer);
        }
    }

    /// <summary>
    /// The events published to every channel matching the Redis glob <paramref name="pattern"/> (<c>PSUBSCRIBE</c>),
    /// each with the channel it came on; otherwise as <see cref="SubscribeAsync{T}(string, CancellationToken)"/>.
    /// </summary>
    public async IAsyncEnumerable<TinoEvent<T>> SubscribePatternAsync<T>(string pattern, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        await foreach (var received in Subscriptions.ListenAsync(pattern, pattern: true, cancellationToken).ConfigureAwait(false))
        {
            yield return new TinoEvent<T>(received.Channel, pattern, MessagePackSerializer.Deserialize<T>(received.Payload, _serializer));
        }
    }

    private ClientSubscriptions Subscriptions
    {
        get
        {
            lock (_subscriptionsGate)
            {
                ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
                return _subscriptions ??= new ClientSubscriptions((pushes, cancellationToken) => ClientConnector.OpenAsync(_endPoint, _host, _options, cancellationToken, pushes));
            }
        }
    }

    private void CloseSubscriptions()
    {
        lock (_subscriptionsGate)
        {
            _subscriptions?.Close(new TinoConnectionException("the client was disposed"));
        }
    }
}
