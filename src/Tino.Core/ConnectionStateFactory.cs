namespace Tino;

/// <summary>Makes the private state of each connection, handed to handlers as <see cref="ConnState{T}"/>.</summary>
/// <param name="StateType">The state's type: handlers take <c>ConnState&lt;StateType&gt;</c>.</param>
/// <param name="NewState">Makes a fresh <c>ConnState&lt;StateType&gt;</c> box.</param>
public sealed record ConnectionStateFactory(Type StateType, Func<object> NewState)
{
    /// <summary>A factory that makes a fresh <typeparamref name="T"/> per connection.</summary>
    /// <example><code>ConnectionStateFactory.Create(() =&gt; 0)</code></example>
    public static ConnectionStateFactory Create<T>(Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return new ConnectionStateFactory(typeof(T), () => new ConnState<T>(create()));
    }
}
