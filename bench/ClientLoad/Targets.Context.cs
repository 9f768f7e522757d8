using System.Diagnostics;
using Tino.Client;

/// <summary>
/// The call context the Tino client's add(1, 2) sends (ClientLoad --context), the load otherwise the same: <c>none</c>
/// (<see cref="TinoClientOptions.SendCallContext"/> off, a plain <c>ADD 1 2</c>), <c>timeout</c> (the default client:
/// <c>timeout_ms</c> only), or <c>full</c> (<c>timeout_ms</c>, the W3C <c>traceparent</c> of the trace the callers run in,
/// and two metadata entries). No call has a cancellable token, so none sends an <c>id</c>.
/// </summary>
sealed partial class Target
{
    public static readonly string[] ContextModes = ["none", "timeout", "full"];

    static readonly Dictionary<string, string> BenchMetadata = new() { ["tenant"] = "acme", ["caller"] = "bench" };

    static TinoClientOptions ContextOptions(string? context) => context switch
    {
        "none" => TinoClientOptions.Default with { SendCallContext = false },
        "timeout" or null => TinoClientOptions.Default,
        "full" => TinoClientOptions.Default with { Metadata = BenchMetadata },
        _ => throw new ArgumentException($"unknown context '{context}' ({string.Join(", ", ContextModes)})"),
    };

    static string ContextShown(string? context) => context switch
    {
        "none" => "none",
        "timeout" or null => "timeout_ms",
        _ => "timeout_ms, traceparent, 2 metadata entries",
    };

    /// <summary>
    /// The trace the callers run in with the <c>full</c> context, as a service's own request handler would, started
    /// (and so made <see cref="Activity.Current"/>) on the flow that starts them; null for the others. Nothing
    /// listens to Tino's activity source, so the client records no span of its own and sends this trace's id.
    /// </summary>
    public static Activity? StartTrace(string? context) =>
        context == "full" ? new Activity("load").SetIdFormat(ActivityIdFormat.W3C).Start() : null;
}
