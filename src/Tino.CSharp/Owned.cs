using System.ComponentModel;

namespace Tino;

/// <summary>An instance that one call owns: disposed after the call when it is disposable.</summary>
/// <typeparam name="T">The instance's type.</typeparam>
/// <param name="value">The instance.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Owned<T>(T value) : IAsyncDisposable
{
    /// <summary>The instance.</summary>
    public T Value { get; } = value;

    /// <summary>Disposes the instance when it is disposable.</summary>
    public ValueTask DisposeAsync()
    {
        switch (Value)
        {
            case IAsyncDisposable asynchronous:
                return asynchronous.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return default;
            default:
                return default;
        }
    }
}
