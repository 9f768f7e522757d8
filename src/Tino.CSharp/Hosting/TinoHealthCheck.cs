using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tino.Hosting;

/// <summary>
/// The Tino server's readiness as a health check: healthy while it takes calls; unhealthy before it has started,
/// while it drains, and when one of the app's other health checks is unhealthy. <c>AddTino</c> registers it as
/// <see cref="Name"/>, tagged <see cref="ReadyTag"/>.
/// </summary>
public sealed class TinoHealthCheck(TinoHostedService server) : IHealthCheck
{
    /// <summary>The name <c>AddTino</c> registers the check under.</summary>
    public const string Name = "tino";

    /// <summary>The tag of readiness checks, for a readiness endpoint's filter.</summary>
    public const string ReadyTag = "ready";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var readiness = await server.CheckReadinessAsync(cancellationToken).ConfigureAwait(false);
        return readiness.IsReady ? HealthCheckResult.Healthy("takes calls") : HealthCheckResult.Unhealthy(readiness.Reason);
    }

    /// <summary>
    /// A readiness check for the server made of the container's other health checks: not ready, naming them, while
    /// any is unhealthy (degraded still serves); <paramref name="own"/> (the host options' check) is asked first.
    /// </summary>
    internal static Func<CancellationToken, ValueTask<TinoReadiness>> FromHealthChecks(HealthCheckService checks, Func<CancellationToken, ValueTask<TinoReadiness>>? own) =>
        async cancellationToken =>
        {
            if (own is not null && await own(cancellationToken).ConfigureAwait(false) is { IsReady: false } notReady)
            {
                return notReady;
            }
            var report = await checks.CheckHealthAsync(registration => registration.Name != Name, cancellationToken).ConfigureAwait(false);
            var failing = report.Entries.Where(entry => entry.Value.Status == HealthStatus.Unhealthy).Select(entry => entry.Key).ToArray();
            return failing.Length == 0 ? TinoReadiness.Ready : TinoReadiness.NotReady(string.Join(", ", failing));
        };
}
