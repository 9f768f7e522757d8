using System.Diagnostics.CodeAnalysis;
using Tino.Client;

namespace Tino.Client;

/// <summary>The proxy class of one contract, made the first time a proxy of it is asked for and kept.</summary>
[RequiresUnreferencedCode(ReflectionBinding.Proxies)]
[RequiresDynamicCode(ReflectionBinding.Proxies)]
internal static class ClientProxy<TContract>
    where TContract : class
{
    private static readonly Lock s_gate = new();
    private static Func<ITinoClient, TContract>? s_create;

    public static TContract Create(ITinoClient client) => (Volatile.Read(ref s_create) ?? Make())(client);

    private static Func<ITinoClient, TContract> Make()
    {
        lock (s_gate)
        {
            // Not a static initializer: a contract that cannot be a proxy must throw its own exception every time,
            // not a TypeInitializationException once and then forever.
            return s_create ??= ClientProxyBuilder.Build<TContract>();
        }
    }
}
