namespace Tino.Client;

public sealed partial class TinoClusterClient
{
    /// <summary>
    /// Reads the stream command <paramref name="command"/> from the next healthy endpoint, as
    /// <see cref="TinoClient.StreamAsync{T}(string, ReadOnlySpan{TinoArg})"/> does. A stream's cursor lives on one
    /// server, so the stream stays on the endpoint picked here; if that endpoint's connection is lost or its server
    /// shuts down, the enumeration ends with <see cref="TinoConnectionException"/> and the endpoint is taken out, and a
    /// new call goes to another.
    /// </summary>
    public IAsyncEnumerable<T> StreamAsync<T>(string command, params ReadOnlySpan<TinoArg> arguments) =>
        StreamAsync<T>(command, CancellationToken.None, arguments);

    /// <inheritdoc cref="StreamAsync{T}(string, ReadOnlySpan{TinoArg})"/>
    /// <param name="command">The command's name.</param>
    /// <param name="cancellationToken">Ends every enumeration of the stream.</param>
    /// <param name="arguments">The arguments, in order.</param>
    public IAsyncEnumerable<T> StreamAsync<T>(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments)
    {
        var endPoint = Next(out var client);
        return endPoint is null ? Failed<T>(NoHealthyEndPoint()) : Watched(endPoint, client!.StreamAsync<T>(command, cancellationToken, arguments));
    }

    /// <summary>
    /// <see cref="StreamAsync{T}(string, ReadOnlySpan{TinoArg})"/> with arguments that are already MessagePack, giving
    /// each item's MessagePack bytes, as <see cref="TinoClient.StreamRawAsync"/> does.
    /// </summary>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> StreamRawAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default)
    {
        var endPoint = Next(out var client);
        return endPoint is null ? Failed<ReadOnlyMemory<byte>>(NoHealthyEndPoint()) : Watched(endPoint, client!.StreamRawAsync(command, arguments, cancellationToken));
    }

    /// <summary>A stream whose endpoint is taken out as soon as its connection is found lost.</summary>
    private static async IAsyncEnumerable<T> Watched<T>(ClusterEndPoint endPoint, IAsyncEnumerable<T> stream)
    {
        await using var items = stream.GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (TinoConnectionException error)
            {
                endPoint.MarkDown(error);
                throw;
            }
            yield return items.Current;
        }
    }

    /// <summary>A stream that fails when enumerated, as a stream call that cannot be made does.</summary>
    private static async IAsyncEnumerable<T> Failed<T>(Exception error)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (error is not null)
        {
            throw error;
        }
        yield break;
    }
}
