using Tino.Pipeline;

namespace Tino;

/// <summary>
/// What the server knows about the call being served: its connection (auth, state), its cancellation, the server's
/// publisher. A handler takes it as a parameter, filled by the server and never sent, so that a contract shared with
/// clients holds only what travels on the wire (F#: <c>tino { implement_with (fun (call: CallContext) -> api) }</c>).
/// Valid while its call runs: keep none of it past the call.
/// </summary>
/// <example><code>
/// app.WithCommand("whoami", (CallContext call) => call.RequireAuth&lt;string&gt;());
/// </code></example>
public sealed class CallContext
{
    private readonly CommandContext _context;

    internal CallContext(CommandContext context, Publisher publisher)
    {
        _context = context;
        Publisher = publisher;
    }

    /// <summary>The name of the command being called, as the app declares it.</summary>
    public string Command => _context.Command.Name;

    /// <summary>The connection the call arrived on: its id, peer, auth value and state.</summary>
    public ConnectionContext Connection => _context.Connection;

    /// <summary>Cancelled when the connection closes, the server stops, or the call's <see cref="Deadline"/> passes.</summary>
    public CancellationToken CancellationToken => _context.CancellationToken;

    /// <summary>The metadata the caller sent with the call (a tenant, a request id); empty when it sent none.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _context.Metadata;

    /// <summary>When the caller stops waiting, by the server's clock; null when the call has no deadline.</summary>
    /// <remarks>The client calls the handler makes send what is left of it, so a chain of calls shares one deadline.</remarks>
    public DateTimeOffset? Deadline => _context.Deadline;

    /// <summary>The server's publisher of events.</summary>
    public Publisher Publisher { get; }

    /// <summary>Whether the connection has authenticated.</summary>
    public bool IsAuthenticated => _context.Connection.IsAuthenticated;

    /// <summary>The auth value, or fails the call with <c>PERMISSION_DENIED</c> as an <see cref="AuthRequired{T}"/> parameter would.</summary>
    /// <remarks>
    /// Unlike an <see cref="AuthRequired{T}"/> parameter, which refuses the call from its name before its arguments are
    /// read, this checks when the handler asks: the arguments have been read by then.
    /// </remarks>
    public T RequireAuth<T>() => MagicValues.AuthRequired<T>(_context).Value;

    /// <summary>The auth value when the connection has one of type <typeparamref name="T"/>.</summary>
    public Auth<T> Auth<T>() => MagicValues.Auth<T>(_context);

    /// <summary>The connection's state, made by the app's state factory (<c>state</c> in F#, <c>UseConnectionState</c> in C#).</summary>
    /// <exception cref="InvalidOperationException">The app declares no state, or state of another type.</exception>
    public ConnState<T> State<T>() =>
        _context.Connection.State as ConnState<T>
        ?? throw new InvalidOperationException(
            _context.Connection.State is null
                ? "the app declares no connection state: give it a state factory"
                : $"the connection's state is a {_context.Connection.State.GetType().Name}, not a ConnState<{typeof(T).Name}>");
}
