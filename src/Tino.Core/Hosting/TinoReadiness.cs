namespace Tino.Hosting;

/// <summary>
/// Whether a server should be sent calls: what <c>TINO.HEALTH</c> replies (<c>+READY</c>, or
/// <c>-NOT_READY "reason"</c>) and what a load balancer's or an orchestrator's readiness probe reads.
/// </summary>
/// <param name="IsReady">True when the server takes calls.</param>
/// <param name="Reason">Why not, in a few words a probe may log (<c>draining</c>, the name of a failing check); null when ready.</param>
public readonly record struct TinoReadiness(bool IsReady, string? Reason)
{
    /// <summary>Ready for calls.</summary>
    public static TinoReadiness Ready { get; } = new(true, null);

    /// <summary>Not ready, for <paramref name="reason"/>: a few words, sent to whoever asks (no secrets, no stack traces).</summary>
    public static TinoReadiness NotReady(string reason) => new(false, reason);
}
