using System.Diagnostics.CodeAnalysis;
using Tino.Client;

namespace Tino.Client;

/// <summary>Typed proxies of service contracts over a <see cref="TinoClient"/> or a <see cref="TinoClusterClient"/>.</summary>
public static class TinoClientProxyExtensions
{
    /// <summary>
    /// An object implementing the interface <typeparamref name="TContract"/> whose every method calls the command that
    /// <c>MapService&lt;TContract&gt;</c> serves it as: the method's <see cref="CommandNameAttribute"/>, else its name
    /// without a trailing <c>Async</c> in snake_case (<c>GetNoteAsync</c> calls <c>get_note</c>). Methods return
    /// <see cref="Task{T}"/>, <see cref="ValueTask{T}"/>, <see cref="Task"/> or <see cref="ValueTask"/> (the last two
    /// do not decode the reply), or <see cref="IAsyncEnumerable{T}"/> for a stream command: the method returns
    /// <see cref="ITinoClient.StreamAsync{T}(string, CancellationToken, ReadOnlySpan{TinoArg})"/>, which calls the command
    /// each time it is enumerated, and leaving it early sends <c>CLOSE</c>. Each parameter is one argument, in order, except those the server fills: a
    /// <see cref="CancellationToken"/> is given to the call (cancelling it ends the wait), and <see cref="AuthRequired{T}"/>,
    /// <see cref="Auth{T}"/> and <see cref="ConnState{T}"/> are not sent, so a server's own interface serves as the contract.
    /// </summary>
    /// <remarks>
    /// The proxy's class is made once per interface, with Reflection.Emit: each method builds its arguments with
    /// <see cref="TinoArg.From{T}"/> for its parameters' types and calls a delegate made once for it. Nothing is
    /// reflected, and no number is boxed, per call. Errors are the client's: <see cref="TinoRemoteException"/> and its
    /// subclasses, <see cref="TinoConnectionException"/>, <see cref="TimeoutException"/>. Over a
    /// <see cref="TinoClusterClient"/> each call goes to the next healthy endpoint and each enumeration of a stream stays
    /// on the endpoint it started on, as the cluster client's own calls do.
    /// </remarks>
    /// <example><code>
    /// public interface ICalculator { Task&lt;long&gt; AddAsync(int a, int b); }
    ///
    /// var calculator = client.CreateProxy&lt;ICalculator&gt;();
    /// long three = await calculator.AddAsync(1, 2);   // calls add 1 2
    /// </code></example>
    /// <exception cref="TinoBuildException">
    /// <typeparamref name="TContract"/> is not an interface, or one of its members cannot be a call: a property, an
    /// event, a generic method, a <c>ref</c> or <c>out</c> parameter, or a result that is neither a task nor an <see cref="IAsyncEnumerable{T}"/>.
    /// </exception>
    [RequiresUnreferencedCode(ReflectionBinding.Proxies)]
    [RequiresDynamicCode(ReflectionBinding.Proxies)]
    public static TContract CreateProxy<TContract>(this ITinoClient client)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(client);
        return ClientProxy<TContract>.Create(client);
    }
}
