namespace Tino;

/// <summary>Where the value of a handler parameter comes from.</summary>
public enum ParameterSource
{
    /// <summary>A wire argument: one MessagePack value, by position.</summary>
    Wire,
    /// <summary>An <see cref="AuthRequired{T}"/>: the auth value; the command needs an authenticated connection.</summary>
    AuthRequired,
    /// <summary>An <see cref="Auth{T}"/>: the auth value when there is one.</summary>
    Auth,
    /// <summary>A <see cref="ConnState{T}"/>: the connection's private state.</summary>
    ConnectionState,
    /// <summary>A <see cref="System.Threading.CancellationToken"/> cancelled when the connection closes or the server stops.</summary>
    CancellationToken,
    /// <summary>A <see cref="Tino.Publisher"/>: the server's publisher of events.</summary>
    Publisher,
    /// <summary>A <see cref="Tino.CallContext"/>: the call's connection, cancellation and publisher.</summary>
    CallContext,
}
