using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Tino;

/// <summary>
/// Runs one call inside a scope that is disposed once the call has finished, whether it succeeded or threw: the
/// handlers that resolve services per call run through here, whether reflection or Tino's C# source generator bound them.
/// The call gets the scope and a state (the call's arguments) rather than closing over them, so that the delegate is
/// made once per command, not once per call.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PerCall
{
    /// <summary>Opens a scope, runs <paramref name="call"/> in it with <paramref name="state"/>, and disposes the scope after the call completes.</summary>
    public static async ValueTask Run<TScope, TState>(Func<TScope> open, TState state, Func<TScope, TState, ValueTask> call)
        where TScope : IAsyncDisposable
    {
        var scope = open();
        try
        {
            await call(scope, state).ConfigureAwait(false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Opens a scope, runs <paramref name="call"/> in it with <paramref name="state"/>, and disposes the scope after the call's result is ready.</summary>
    public static async ValueTask<T> RunOf<TScope, TState, T>(Func<TScope> open, TState state, Func<TScope, TState, ValueTask<T>> call)
        where TScope : IAsyncDisposable
    {
        var scope = open();
        try
        {
            return await call(scope, state).ConfigureAwait(false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A stream that, once read, opens a scope, runs <paramref name="call"/> in it with <paramref name="state"/>, passes
    /// its items on, and disposes the scope when the stream ends, fails or is closed.
    /// </summary>
    public static async IAsyncEnumerable<T> Stream<TScope, TState, T>(Func<TScope> open, TState state, Func<TScope, TState, ValueTask<IAsyncEnumerable<T>>> call, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TScope : IAsyncDisposable
    {
        var scope = open();
        try
        {
            var items = await call(scope, state).ConfigureAwait(false);
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
}
