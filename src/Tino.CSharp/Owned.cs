namespace Tino;

/// <summary>An instance that one call owns: disposed after the call when it is disposable.</summary>
internal readonly struct Owned<T>(T value) : IAsyncDisposable
{
    public T Value { get; } = value;

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
