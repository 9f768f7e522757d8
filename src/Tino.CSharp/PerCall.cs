using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Tino;

/// <summary>
/// Runs one call inside a scope that is disposed once the call has finished, whether it succeeded or threw: the
/// handlers that resolve services per call run through here, whether reflection or Tino's C# source generator bound them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PerCall
{
    /// <summary>Opens a scope, runs <paramref name="call"/> in it, and disposes the scope after the call completes.</summary>
    public static async ValueTask Run<TScope>(Func<TScope> open, Func<TScope, ValueTask> call)
        where TScope : IAsyncDisposable
    {
        var scope = open();
        try
        {
            await call(scope).ConfigureAwait(false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A stream that, once read, opens a scope, runs <paramref name="call"/> in it, passes its items on, and disposes the
    /// scope when the stream ends, fails or is closed.
    /// </summary>
    public static async IAsyncEnumerable<T> Stream<TScope, T>(Func<TScope> open, Func<TScope, ValueTask<IAsyncEnumerable<T>>> call, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TScope : IAsyncDisposable
    {
        var scope = open();
        try
        {
            var items = await call(scope).ConfigureAwait(false);
            await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Opens a scope, runs <paramref name="call"/> in it, and disposes the scope after the call's result is ready.</summary>
    public static async ValueTask<T> RunOf<TScope, T>(Func<TScope> open, Func<TScope, ValueTask<T>> call)
        where TScope : IAsyncDisposable
    {
        var scope = open();
        try
        {
            return await call(scope).ConfigureAwait(false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }
}
