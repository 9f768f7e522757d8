using System.Diagnostics.CodeAnalysis;

namespace Tino;

/// <summary>
/// A handler parameter filled with the connection's auth value when the connection has
/// authenticated, and empty otherwise. It is not sent on the wire.
/// </summary>
/// <typeparam name="T">The type the app's auth function returns.</typeparam>
public readonly struct Auth<T>
{
    private readonly T? _value;

    /// <summary>Creates an auth parameter that holds <paramref name="value"/>.</summary>
    public Auth(T value)
    {
        _value = value;
        HasValue = true;
    }

    /// <summary>Whether the connection has authenticated.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public bool HasValue { get; }

    /// <summary>The auth value, or the default of <typeparamref name="T"/> when the connection has not authenticated.</summary>
    public T? Value => _value;

    /// <summary>Gets the auth value when the connection has authenticated.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value)
    {
        value = _value;
        return HasValue;
    }

    /// <inheritdoc />
    public override string ToString() => HasValue ? $"Auth({_value})" : "Auth(none)";
}
