using System.Reflection;
using System.Text;

namespace Tino.Hosting;

/// <summary>What a server says about itself: its version, its readiness (<c>TINO.HEALTH</c>) and <c>INFO</c>.</summary>
public sealed partial class TinoServer
{
    internal static string Version { get; } = ReadVersion();

    internal static byte[] VersionBytes { get; } = Encoding.ASCII.GetBytes(Version);

    /// <summary>
    /// Whether the server should be sent calls: not before it has started, not once it has begun to stop (through
    /// <see cref="TinoHostOptions.DrainDelay"/> and after), and otherwise as <see cref="TinoHostOptions.ReadinessCheck"/>
    /// says. <c>TINO.HEALTH</c> replies this.
    /// </summary>
    public async ValueTask<TinoReadiness> CheckReadinessAsync(CancellationToken cancellationToken = default)
    {
        switch (Volatile.Read(ref _state))
        {
            case 0:
                return TinoReadiness.NotReady("starting");
            case 2:
                return TinoReadiness.NotReady("draining");
        }
        if (Options.ReadinessCheck is not { } check)
        {
            return TinoReadiness.Ready;
        }
        try
        {
            return await check(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ServerLog.ReadinessCheckFailed(_logger, error);
            return TinoReadiness.NotReady("readiness check failed");
        }
    }

    internal byte[] Info(string section)
    {
        var all = section.Equals("default", StringComparison.OrdinalIgnoreCase)
            || section.Equals("all", StringComparison.OrdinalIgnoreCase)
            || section.Equals("everything", StringComparison.OrdinalIgnoreCase);
        var text = new StringBuilder();
        if (all || section.Equals("server", StringComparison.OrdinalIgnoreCase))
        {
            text.Append("# Server\r\n")
                .Append("tino_version:").Append(Version).Append("\r\n")
                .Append("redis_mode:standalone\r\n")
                .Append("process_id:").Append(Environment.ProcessId).Append("\r\n")
                .Append("tcp_port:").Append(LocalEndPoint?.Port ?? 0).Append("\r\n")
                .Append("uptime_in_seconds:").Append((long)_uptime.Elapsed.TotalSeconds).Append("\r\n\r\n");
        }
        if (all || section.Equals("clients", StringComparison.OrdinalIgnoreCase))
        {
            text.Append("# Clients\r\nconnected_clients:").Append(_connections.Count).Append("\r\n\r\n");
        }
        if (all || section.Equals("replication", StringComparison.OrdinalIgnoreCase))
        {
            text.Append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string ReadVersion()
    {
        var informational = typeof(TinoServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
