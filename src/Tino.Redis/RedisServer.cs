using StackExchange.Redis;

namespace Tino.Redis;

/// <summary>How a backplane reaches its Redis server: a URI or a StackExchange.Redis configuration string.</summary>
internal static class RedisServer
{
    /// <summary>
    /// The configuration for <paramref name="server"/>, made to wait for a server that is not up yet (the instance starts
    /// anyway and joins once Redis answers) and to reconnect by itself.
    /// </summary>
    public static ConfigurationOptions Configuration(string server)
    {
        var configuration = Uri.TryCreate(server, UriKind.Absolute, out var uri) && uri.Scheme is "redis" or "rediss"
            ? FromUri(uri)
            : ConfigurationOptions.Parse(server);
        configuration.AbortOnConnectFail = false;
        // An event that cannot go now is dropped and counted, never held back and sent after an outage, out of its time.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= "tino-backplane";
        return configuration;
    }

    private static ConfigurationOptions FromUri(Uri uri)
    {
        var configuration = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
        configuration.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            (configuration.User, configuration.Password) = parts.Length == 2
                ? (parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : null, Uri.UnescapeDataString(parts[1]))
                : (null, Uri.UnescapeDataString(parts[0]));
        }
        return configuration;
    }
}
