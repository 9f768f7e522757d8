// Calls per second through one client with N concurrent callers, against one server: the Tino client calling
// add(1, 2) on a Tino server, or one of its peers (docs/benchmarks.md): StackExchange.Redis calling GET on
// redis-server, gRPC calling a unary Add, HttpClient posting JSON to a minimal API.
// With --payload <bytes>, the same bytes both ways instead: the Tino client calling echo_bin with a bin of that
// many bytes (an interop server), or StackExchange.Redis calling ECHO with them (redis-server, Garnet).
// With --shape <order|orders|order-fs|orders-fs>, a structured payload sent and returned instead (Targets.Orders.cs):
// Tino's echo_order commands (bench/Peers/TinoOrders), ECHO of its MessagePack, gRPC's or the HTTP peer's echo.
// With --context <none|timeout|full>, the Tino client's add(1, 2) with that call context (Targets.Context.cs): none,
// timeout_ms only (the default client, also without the option), or timeout_ms, a traceparent and two metadata entries.
//
// Usage: ClientLoad --target <tino|redis|grpc|http> --address <host:port> [--callers 50] [--seconds 5] [--warmup 2]
//                   [--payload <bytes>]   (tino and redis only)
//                   [--shape <order|orders|order-fs|orders-fs>]   (the -fs shapes: tino and redis only)
//                   [--connections 1]   (clients, each its own connection; caller i calls through client i mod n)
//                   [--context <none|timeout|full>]   (tino's add(1, 2) only; timeout unless told)
//
// Drivers (bench/client-benchmark.sh and others) read the last stdout line, exactly "calls/s: <integer>".
// Every reply is checked; any failed call ends the run with a non-zero exit code and no such line.
using System.Diagnostics;
using System.Globalization;

const string Usage =
    "usage: ClientLoad --target <tino|redis|grpc|http> --address <host:port> [--callers 50] [--seconds 5] [--warmup 2] [--payload <bytes> | --shape <order|orders|order-fs|orders-fs> | --context <none|timeout|full>] [--connections 1]";

string targetName;
string address;
int callers;
double seconds;
double warmup;
int? payload;
string? shape;
string? context;
int connections;
try
{
    targetName = Option("--target") ?? throw new ArgumentException("--target is required");
    if (targetName is not ("tino" or "redis" or "grpc" or "http"))
    {
        throw new ArgumentException($"unknown target '{targetName}'");
    }
    address = Option("--address") ?? throw new ArgumentException("--address is required");
    callers = int.Parse(Option("--callers") ?? "50", CultureInfo.InvariantCulture);
    connections = int.Parse(Option("--connections") ?? "1", CultureInfo.InvariantCulture);
    seconds = double.Parse(Option("--seconds") ?? "5", CultureInfo.InvariantCulture);
    warmup = double.Parse(Option("--warmup") ?? "2", CultureInfo.InvariantCulture);
    payload = Option("--payload") is { } bytes ? int.Parse(bytes, CultureInfo.InvariantCulture) : null;
    shape = Option("--shape");
    if (shape is not null && (payload is not null || !Target.Shapes.Contains(shape)))
    {
        throw new ArgumentException($"--shape takes one of {string.Join(", ", Target.Shapes)}, and not with --payload");
    }
    context = Option("--context");
    if (context is not null && (targetName != "tino" || payload is not null || shape is not null || !Target.ContextModes.Contains(context)))
    {
        throw new ArgumentException($"--context takes one of {string.Join(", ", Target.ContextModes)}, with the tino target's add(1, 2) only");
    }
    if (callers < 1 || seconds <= 0 || warmup < 0 || payload < 1 || connections < 1 || connections > callers)
    {
        throw new ArgumentException("--callers, --seconds and --payload must be positive, --connections from 1 to --callers, --warmup not negative");
    }
    if (payload is not null && targetName is not ("tino" or "redis"))
    {
        throw new ArgumentException("--payload works with the tino and redis targets only");
    }
}
catch (Exception error) when (error is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

try
{
    var targets = new List<Target>();
    try
    {
        for (var i = 0; i < connections; i++)
        {
            targets.Add((payload, shape) switch
            {
                ({ } size, _) => await Target.ConnectEchoAsync(targetName, address, size),
                (_, { } structured) => await Target.ConnectOrdersAsync(targetName, address, structured),
                _ => await Target.ConnectAsync(targetName, address, context),
            });
        }
        var calls = targets.Select(target => target.Call).ToArray();
        Console.WriteLine($"{targets[0].Description} at {address}{(connections > 1 ? $", {connections} clients" : "")}");
        // Started here, the callers' trace is current on every caller's flow (null unless --context full).
        using var trace = Target.StartTrace(context);
        Console.WriteLine($"callers: {callers}, warm-up: {warmup.ToString(CultureInfo.InvariantCulture)} s, measured: {seconds.ToString(CultureInfo.InvariantCulture)} s");
        if (warmup > 0)
        {
            await Run(calls, TimeSpan.FromSeconds(warmup));
        }
        var (completed, elapsed) = await Run(calls, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"calls: {completed.ToString(CultureInfo.InvariantCulture)} in {elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s");
        Console.WriteLine($"calls/s: {Math.Round(completed / elapsed.TotalSeconds).ToString("0", CultureInfo.InvariantCulture)}");
    }
    finally
    {
        foreach (var target in targets)
        {
            await target.Client.DisposeAsync();
        }
    }
    return 0;
}
catch (Exception error)
{
    Console.Error.WriteLine($"failed: {error}");
    return 1;
}

// The callers loop until the duration is over; the rate counts every completed call over the time until the
// last caller finished. Each caller counts its own calls, so no shared counter is contended on the hot path.
async Task<(long Calls, TimeSpan Elapsed)> Run(Func<Task>[] calls, TimeSpan duration)
{
    var clock = Stopwatch.StartNew();
    var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
    {
        var call = calls[caller % calls.Length];
        long count = 0;
        while (clock.Elapsed < duration)
        {
            await call();
            count++;
        }
        return count;
    }));
    return (counts.Sum(), clock.Elapsed);
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
