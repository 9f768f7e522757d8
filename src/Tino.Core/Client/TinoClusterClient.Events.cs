using System.Runtime.CompilerServices;

namespace Tino.Client;

public sealed partial class TinoClusterClient
{
    /// <summary>
    /// The events published to <paramref name="channel"/>, as <see cref="TinoClient.SubscribeAsync{T}"/> gives them,
    /// from one healthy endpoint at a time: when its subscriber connection is lost, the endpoint is taken out and the
    /// subscription moves to the next healthy one and subscribes again (while none is healthy, it waits for one).
    /// Events published while it moves are missed. Each instance delivers only its own events unless the app has an
    /// event backplane (<see cref="EventOptions.Backplane"/>), with which every instance delivers every event.
    /// </summary>
    public IAsyncEnumerable<T> SubscribeAsync<T>(string channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return Moving(client => client.SubscribeAsync<T>(channel, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The events published to every channel matching the Redis glob <paramref name="pattern"/>, moving from endpoint to
    /// endpoint as <see cref="SubscribeAsync{T}(string, CancellationToken)"/> does.
    /// </summary>
    public IAsyncEnumerable<TinoEvent<T>> SubscribePatternAsync<T>(string pattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Moving(client => client.SubscribePatternAsync<T>(pattern, cancellationToken), cancellationToken);
    }

    /// <summary>A subscription made on the next healthy endpoint, and made again on another when that one is lost.</summary>
    private async IAsyncEnumerable<TEvent> Moving<TEvent>(Func<TinoClient, IAsyncEnumerable<TEvent>> subscribe, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var endPoint = Next(out var client);
            if (endPoint is null)
            {
                if (_disposing.IsCancellationRequested)
                {
                    throw NoHealthyEndPoint();
                }
                await Task.Delay(_healthCheckInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }
            await using var events = subscribe(client!).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (TinoConnectionException error) when (!_disposing.IsCancellationRequested)
                {
                    endPoint.MarkDown(error);
                    break;
                }
                yield return events.Current;
            }
        }
    }
}
