using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;

namespace Tino;

/// <summary>
/// The names under which Tino reports metrics and traces, following OpenTelemetry's RPC conventions
/// (<c>rpc.system</c> is <c>tino</c>, <c>rpc.method</c> the command). Register them with OpenTelemetry,
/// e.g. <c>AddMeter(TinoTelemetry.ServerMeterName)</c> and <c>AddSource(TinoTelemetry.ServerActivitySourceName)</c>.
/// </summary>
/// <remarks>
/// Server instruments: <c>rpc.server.call.duration</c> (histogram, s), <c>tino.server.calls</c> (counter, by
/// <c>rpc.method</c> and <c>rpc.response.status_code</c>: <c>OK</c> or the error code), <c>tino.server.active_connections</c>,
/// <c>tino.server.network.io</c> (bytes, by <c>network.io.direction</c>) and <c>tino.server.open_cursors</c>.
/// Client instruments: <c>rpc.client.call.duration</c> and <c>tino.client.calls</c>. A span per call is named after the
/// command, with <c>rpc.system</c>, <c>rpc.method</c> and, on failure, <c>rpc.response.status_code</c> and an error status:
/// the server's (kind Server, <see cref="ServerActivitySourceName"/>) and the client's (kind Client,
/// <see cref="ClientActivitySourceName"/>, a child of the caller's current activity, also tagged <c>server.address</c>
/// and <c>server.port</c>).
/// Nothing is measured while nothing listens.
/// </remarks>
public static class TinoTelemetry
{
    /// <summary>The server's <see cref="Meter"/>.</summary>
    public const string ServerMeterName = "Tino.Server";

    /// <summary>The client's <see cref="Meter"/>.</summary>
    public const string ClientMeterName = "Tino.Client";

    /// <summary>The server's <see cref="ActivitySource"/>: a span per call.</summary>
    public const string ServerActivitySourceName = "Tino.Server";

    /// <summary>The client's <see cref="ActivitySource"/>: a span per call, from request to reply.</summary>
    public const string ClientActivitySourceName = "Tino.Client";

    internal const string Ok = "OK";

    private static readonly Meter s_server = new(ServerMeterName);
    private static readonly Meter s_client = new(ClientMeterName);
    private static readonly ActivitySource s_source = new(ServerActivitySourceName);
    private static readonly ActivitySource s_clientSource = new(ClientActivitySourceName);
    private static readonly Histogram<double> s_serverDuration = s_server.CreateHistogram<double>("rpc.server.call.duration", "s", "How long calls take, from decoding to reply.");
    private static readonly Counter<long> s_serverCalls = s_server.CreateCounter<long>("tino.server.calls", "{call}", "Calls, by command and result code.");
    private static readonly UpDownCounter<long> s_connections = s_server.CreateUpDownCounter<long>("tino.server.active_connections", "{connection}", "Open connections.");
    private static readonly Counter<long> s_networkIo = s_server.CreateCounter<long>("tino.server.network.io", "By", "Bytes received and sent.");
    private static readonly UpDownCounter<long> s_cursors = s_server.CreateUpDownCounter<long>("tino.server.open_cursors", "{cursor}", "Open stream cursors.");
    private static readonly Histogram<double> s_clientDuration = s_client.CreateHistogram<double>("rpc.client.call.duration", "s", "How long calls take, from request to reply.");
    private static readonly Counter<long> s_clientCalls = s_client.CreateCounter<long>("tino.client.calls", "{call}", "Calls, by command and result code.");

    /// <summary>Whether anything listens to a call's measurements or spans.</summary>
    internal static bool CallsObserved => s_serverCalls.Enabled || s_serverDuration.Enabled || s_source.HasListeners();

    internal static bool ClientCallsObserved => s_clientCalls.Enabled || s_clientDuration.Enabled;

    /// <summary>Starts a call's server span: a child of <paramref name="caller"/>, the span the call's context named, when it named one.</summary>
    internal static Activity? StartCall(string command, ActivityContext caller)
    {
        var activity = s_source.StartActivity(command, ActivityKind.Server, caller);
        activity?.SetTag("rpc.system", "tino");
        activity?.SetTag("rpc.method", command);
        return activity;
    }

    internal static void EndCall(string command, string? errorCode, long startedAt, Activity? activity)
    {
        var code = errorCode ?? Ok;
        var tags = new TagList { { "rpc.system", "tino" }, { "rpc.method", command }, { "rpc.response.status_code", code } };
        s_serverCalls.Add(1, tags);
        s_serverDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
        if (activity is not null)
        {
            if (errorCode is not null)
            {
                activity.SetTag("rpc.response.status_code", errorCode);
                activity.SetStatus(ActivityStatusCode.Error, errorCode);
            }
            activity.Dispose();
        }
    }

    /// <summary>A call refused from its header (auth, shutdown): counted, with no duration and no span.</summary>
    internal static void CallRefused(string command, string code)
    {
        if (s_serverCalls.Enabled)
        {
            s_serverCalls.Add(1, new TagList { { "rpc.system", "tino" }, { "rpc.method", command.ToUpperInvariant() }, { "rpc.response.status_code", code } });
        }
    }

    /// <summary>
    /// Starts a client span for <paramref name="command"/>, a child of the caller's current activity, and gives the
    /// caller's code its own activity back: the span runs until the reply, on whatever thread that arrives.
    /// </summary>
    internal static Activity? StartClientCall(string command, EndPoint server)
    {
        if (!s_clientSource.HasListeners())
        {
            return null;
        }
        var caller = Activity.Current;
        var activity = s_clientSource.StartActivity(command, ActivityKind.Client);
        Activity.Current = caller;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "tino");
            activity.SetTag("rpc.method", command);
            var (address, port) = server switch
            {
                IPEndPoint ip => (ip.Address.ToString(), ip.Port),
                DnsEndPoint dns => (dns.Host, dns.Port),
                _ => (server.ToString(), 0),
            };
            activity.SetTag("server.address", address);
            activity.SetTag("server.port", port);
        }
        return activity;
    }

    /// <summary>Ends a client span: its status is the error's code when the call failed.</summary>
    internal static void EndClientCall(Activity activity, string? errorCode)
    {
        if (errorCode is not null)
        {
            activity.SetTag("rpc.response.status_code", errorCode);
            activity.SetStatus(ActivityStatusCode.Error, errorCode);
        }
        activity.Dispose();
    }

    internal static void ClientCall(string command, string? errorCode, long startedAt)
    {
        var tags = new TagList { { "rpc.system", "tino" }, { "rpc.method", command }, { "rpc.response.status_code", errorCode ?? Ok } };
        s_clientCalls.Add(1, tags);
        s_clientDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
    }

    internal static void ConnectionOpened() => s_connections.Add(1);

    internal static void ConnectionClosed() => s_connections.Add(-1);

    internal static void Received(long bytes)
    {
        if (bytes > 0 && s_networkIo.Enabled)
        {
            s_networkIo.Add(bytes, new KeyValuePair<string, object?>("network.io.direction", "receive"));
        }
    }

    internal static void Sent(long bytes)
    {
        if (bytes > 0 && s_networkIo.Enabled)
        {
            s_networkIo.Add(bytes, new KeyValuePair<string, object?>("network.io.direction", "transmit"));
        }
    }

    internal static void CursorOpened() => s_cursors.Add(1);

    internal static void CursorClosed(int count = 1)
    {
        if (count > 0)
        {
            s_cursors.Add(-count);
        }
    }
}
