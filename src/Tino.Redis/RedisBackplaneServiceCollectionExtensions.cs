using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Tino;
using Tino.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The Redis backplane in the Generic Host, where <c>AddTino</c> takes the <see cref="IEventBackplane"/> the container has.</summary>
public static class RedisBackplaneServiceCollectionExtensions
{
    /// <summary>The configuration key of the Redis server's address: <c>Tino:Backplane</c>, or <c>Tino__Backplane</c> in the environment.</summary>
    public const string ConfigurationKey = "Tino:Backplane";

    /// <summary>
    /// Registers a <see cref="RedisBackplane"/> as the app's <see cref="IEventBackplane"/>, on the Redis server at
    /// <paramref name="server"/>, or, when it is null, at the address the configuration holds under
    /// <see cref="ConfigurationKey"/>; outages are logged under the category <c>Tino.Redis</c>. A backplane registered
    /// before is kept.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="server"><c>redis://[:password@]host[:port]</c>, <c>rediss://</c>, or a StackExchange.Redis configuration string.</param>
    /// <param name="channelPrefix">Put before every channel on Redis: give each app that shares the server its own.</param>
    /// <example><code>
    /// builder.Services.AddTinoRedisBackplane();   // redis://... from Tino:Backplane (Tino__Backplane)
    /// builder.Services.AddTino(tino => tino.MapService&lt;IOrders&gt;());
    /// </code></example>
    /// <exception cref="InvalidOperationException">When the backplane is made: no <paramref name="server"/> and nothing under <see cref="ConfigurationKey"/>.</exception>
    public static IServiceCollection AddTinoRedisBackplane(this IServiceCollection services, string? server = null, string channelPrefix = "tino:")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(channelPrefix);
        services.TryAddSingleton<IEventBackplane>(provider =>
        {
            var address = server
                ?? provider.GetService<IConfiguration>()?[ConfigurationKey]
                ?? throw new InvalidOperationException($"AddTinoRedisBackplane was given no server and the configuration has no '{ConfigurationKey}' (environment: Tino__Backplane)");
            return new RedisBackplane(address, channelPrefix, provider.GetService<ILoggerFactory>()?.CreateLogger("Tino.Redis"));
        });
        return services;
    }
}
