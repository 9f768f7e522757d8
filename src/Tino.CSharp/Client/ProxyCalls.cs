using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Tino.Client;

namespace Tino.Client;

/// <summary>
/// The calls a proxy method makes, one per result shape. Each is closed over its command's name and made into a typed
/// delegate once per method; the emitted method calls that delegate with the client, the token and the arguments.
/// </summary>
[RequiresUnreferencedCode(ReflectionBinding.Proxies)]
[RequiresDynamicCode(ReflectionBinding.Proxies)]
internal static class ProxyCalls
{
    /// <summary>The delegate type a method returning <paramref name="result"/> calls: <c>Func&lt;ITinoClient, CancellationToken, TinoArg[], result&gt;</c>.</summary>
    public static Type DelegateType(Type result) =>
        typeof(Func<,,,>).MakeGenericType(typeof(ITinoClient), typeof(CancellationToken), typeof(TinoArg[]), result);

    /// <summary>The call for a method returning <paramref name="result"/>, closed over <paramref name="command"/>; null when the result is neither a task nor a stream.</summary>
    public static Delegate? For(string command, Type result)
    {
        var definition = result.IsGenericType ? result.GetGenericTypeDefinition() : result;
        var call = definition switch
        {
            _ when definition == typeof(Task) => Method(nameof(CallTask)),
            _ when definition == typeof(ValueTask) => Method(nameof(CallValueTask)),
            _ when definition == typeof(Task<>) => Method(nameof(CallTaskOf)).MakeGenericMethod(result.GetGenericArguments()),
            _ when definition == typeof(ValueTask<>) => Method(nameof(CallValueTaskOf)).MakeGenericMethod(result.GetGenericArguments()),
            _ when definition == typeof(IAsyncEnumerable<>) => Method(nameof(CallStream)).MakeGenericMethod(result.GetGenericArguments()),
            _ => null,
        };
        return call?.CreateDelegate(DelegateType(result), command);
    }

    private static Task<T> CallTaskOf<T>(string command, ITinoClient client, CancellationToken cancellationToken, TinoArg[] arguments) =>
        client.CallAsync<T>(command, cancellationToken, arguments).AsTask();

    private static ValueTask<T> CallValueTaskOf<T>(string command, ITinoClient client, CancellationToken cancellationToken, TinoArg[] arguments) =>
        client.CallAsync<T>(command, cancellationToken, arguments);

    private static IAsyncEnumerable<T> CallStream<T>(string command, ITinoClient client, CancellationToken cancellationToken, TinoArg[] arguments) =>
        client.StreamAsync<T>(command, cancellationToken, arguments);

    private static Task CallTask(string command, ITinoClient client, CancellationToken cancellationToken, TinoArg[] arguments) =>
        client.CallAsync(command, cancellationToken, arguments).AsTask();

    private static ValueTask CallValueTask(string command, ITinoClient client, CancellationToken cancellationToken, TinoArg[] arguments) =>
        client.CallAsync(command, cancellationToken, arguments);

    private static MethodInfo Method(string name) =>
        typeof(ProxyCalls).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;
}
