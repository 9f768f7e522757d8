namespace Tino;

/// <summary>
/// A handler parameter holding a mutable value private to one connection, made by the app's
/// connection-state factory. Every connection gets a fresh value; it is not sent on the wire.
/// </summary>
/// <typeparam name="T">The type the app's state factory makes.</typeparam>
public sealed class ConnState<T>
{
    /// <summary>Creates a box around the connection's first state value.</summary>
    public ConnState(T value) => Value = value;

    /// <summary>The connection's state; handlers read and replace it freely.</summary>
    public T Value { get; set; }

    /// <inheritdoc />
    public override string? ToString() => Value?.ToString();
}
