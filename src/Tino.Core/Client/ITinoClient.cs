using Tino.Protocol;

namespace Tino.Client;

/// <summary>
/// What a Tino client does, whether it talks to one server (<see cref="TinoClient"/>) or to several that serve the
/// same app (<see cref="TinoClusterClient"/>): calls, streams and event subscriptions. Code that takes an
/// <see cref="ITinoClient"/>, a typed proxy among it, runs unchanged against either.
/// </summary>
public interface ITinoClient : IAsyncDisposable
{
    /// <summary>Whether a call made now can be sent: the connection is open, or at least one endpoint is healthy.</summary>
    bool IsConnected { get; }

    /// <summary>Calls <paramref name="command"/> with MessagePack arguments and decodes the MessagePack reply as <typeparamref name="T"/>.</summary>
    /// <param name="command">The command's name.</param>
    /// <param name="cancellationToken">Ends the wait at once and asks the server to cancel the handler (<c>TINO.CANCEL</c>); the reply is still read, and dropped, when it comes.</param>
    /// <param name="arguments">The arguments, in order.</param>
    /// <exception cref="TinoRemoteException">The server replied an error; subclasses name the common kinds.</exception>
    /// <exception cref="TinoConnectionException">The connection was lost before the reply came, or no endpoint is healthy.</exception>
    ValueTask<T> CallAsync<T>(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments);

    /// <summary>Calls <paramref name="command"/> and decodes the reply, without a token.</summary>
    /// <inheritdoc cref="CallAsync{T}(string, CancellationToken, ReadOnlySpan{TinoArg})" path="/exception"/>
    ValueTask<T> CallAsync<T>(string command, params ReadOnlySpan<TinoArg> arguments) =>
        CallAsync<T>(command, CancellationToken.None, arguments);

    /// <summary>Calls <paramref name="command"/> for its effect: the reply's value, nil or not, is not decoded.</summary>
    /// <param name="command">The command's name.</param>
    /// <param name="cancellationToken">Ends the wait at once and asks the server to cancel the handler (<c>TINO.CANCEL</c>); the reply is still read, and dropped, when it comes.</param>
    /// <param name="arguments">The arguments, in order.</param>
    /// <inheritdoc cref="CallAsync{T}(string, CancellationToken, ReadOnlySpan{TinoArg})" path="/exception"/>
    ValueTask CallAsync(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments);

    /// <summary>Calls <paramref name="command"/> for its effect, without a token.</summary>
    /// <inheritdoc cref="CallAsync{T}(string, CancellationToken, ReadOnlySpan{TinoArg})" path="/exception"/>
    ValueTask CallAsync(string command, params ReadOnlySpan<TinoArg> arguments) =>
        CallAsync(command, CancellationToken.None, arguments);

    /// <summary>Calls <paramref name="command"/> with arguments that are already MessagePack and returns the reply's MessagePack bytes.</summary>
    ValueTask<ReadOnlyMemory<byte>> CallRawAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default);

    /// <summary>Sends any RESP command with raw argument bytes and returns the reply as read.</summary>
    ValueTask<RespReply> ExecuteAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the stream command <paramref name="command"/> item by item; each enumeration calls it once, and leaving
    /// early closes it on the server.
    /// </summary>
    IAsyncEnumerable<T> StreamAsync<T>(string command, CancellationToken cancellationToken, params ReadOnlySpan<TinoArg> arguments);

    /// <summary>Reads a stream command without a token.</summary>
    IAsyncEnumerable<T> StreamAsync<T>(string command, params ReadOnlySpan<TinoArg> arguments) =>
        StreamAsync<T>(command, CancellationToken.None, arguments);

    /// <summary>Reads a stream command whose arguments are already MessagePack, each item as its MessagePack bytes.</summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> StreamRawAsync(string command, IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken = default);

    /// <summary>The events published on <paramref name="channel"/> from now on, decoded as <typeparamref name="T"/>.</summary>
    IAsyncEnumerable<T> SubscribeAsync<T>(string channel, CancellationToken cancellationToken = default);

    /// <summary>The events published on every channel matching the glob <paramref name="pattern"/>, with their channels.</summary>
    IAsyncEnumerable<TinoEvent<T>> SubscribePatternAsync<T>(string pattern, CancellationToken cancellationToken = default);
}
