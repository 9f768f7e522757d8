using Polly;
using Polly.Hedging;
using Polly.Retry;

namespace Tino.Client;

/// <summary>
/// Polly strategies for <see cref="TinoClientOptions.Resilience"/>, which runs around calls of idempotent commands only:
/// what is worth another attempt, a retry with backoff, and hedging (a second attempt while the first is slow, which
/// a <see cref="TinoClusterClient"/> sends to another endpoint).
/// </summary>
/// <example><code>
/// var options = new TinoClientOptions
/// {
///     IdempotentCommands = new HashSet&lt;string&gt;(["get_note"], StringComparer.OrdinalIgnoreCase),
///     Resilience = new ResiliencePipelineBuilder&lt;ReadOnlyMemory&lt;byte&gt;&gt;().AddRetry(TinoResilience.Retry()).Build(),
/// };
/// </code></example>
public static class TinoResilience
{
    /// <summary>
    /// Whether a failed attempt is worth another: the connection was lost or could not be made, the server is draining
    /// (<c>SHUTTING_DOWN</c>) or not ready (<c>NOT_READY</c>), or no reply came in time (the call timeout, or the
    /// server's <c>DEADLINE_EXCEEDED</c>). An error the command replied (a validation error, the handler's own) is not.
    /// </summary>
    public static bool IsTransient(Exception error) => error switch
    {
        TinoConnectionException => true,
        TinoRemoteException { Code: ErrorCodes.ShuttingDown or ErrorCodes.NotReady } => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>The outcomes <see cref="IsTransient"/> accepts, as a strategy's <c>ShouldHandle</c>.</summary>
    public static PredicateBuilder<ReadOnlyMemory<byte>> Transient =>
        new PredicateBuilder<ReadOnlyMemory<byte>>().Handle<Exception>(IsTransient);

    /// <summary>A retry of transient failures: up to <paramref name="maxRetryAttempts"/> more attempts, 100 ms apart and doubling, with jitter.</summary>
    public static RetryStrategyOptions<ReadOnlyMemory<byte>> Retry(int maxRetryAttempts = 3) => new()
    {
        ShouldHandle = Transient,
        MaxRetryAttempts = maxRetryAttempts,
        Delay = TimeSpan.FromMilliseconds(100),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
    };

    /// <summary>
    /// Hedging: when an attempt has not replied after <paramref name="delay"/> (or failed transiently), up to
    /// <paramref name="maxHedgedAttempts"/> more are sent; the first reply wins and the others' waits are cancelled.
    /// </summary>
    public static HedgingStrategyOptions<ReadOnlyMemory<byte>> Hedging(TimeSpan delay, int maxHedgedAttempts = 1) => new()
    {
        ShouldHandle = Transient,
        Delay = delay,
        MaxHedgedAttempts = maxHedgedAttempts,
    };
}
