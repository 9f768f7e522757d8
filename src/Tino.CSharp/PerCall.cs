namespace Tino;

/// <summary>Runs one call inside a scope that is disposed once the call has finished, whether it succeeded or threw.</summary>
internal static class PerCall
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
