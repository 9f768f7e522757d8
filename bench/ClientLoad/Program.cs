// Calls per second through one connection with N concurrent callers:
// the Tino client calling add(1, 2) on a Tino server, and StackExchange.Redis calling GET on redis-server.
// Usage: ClientLoad --tino host:port --redis host:port [--callers 50] [--seconds 10] [--rounds 3]
using System.Diagnostics;
using StackExchange.Redis;
using Tino.Client;

var tino = Option("--tino");
var redis = Option("--redis");
var callers = int.Parse(Option("--callers") ?? "50");
var seconds = double.Parse(Option("--seconds") ?? "10", System.Globalization.CultureInfo.InvariantCulture);
var rounds = int.Parse(Option("--rounds") ?? "3");

await using var client = tino is null ? null : await TinoClient.ConnectAsync($"redis://{tino}");
using var multiplexer = redis is null ? null : await ConnectionMultiplexer.ConnectAsync(redis);
var database = multiplexer?.GetDatabase();
database?.StringSet("key", new byte[] { 3 });

Func<Task>? tinoCall = client is null ? null : async () =>
{
    if (await client.CallAsync<long>("add", 1, 2) != 3)
    {
        throw new InvalidOperationException("add(1, 2) != 3");
    }
};
Func<Task>? redisCall = database is null ? null : async () =>
{
    if (((byte[]?)await database.StringGetAsync("key"))?[0] != 3)
    {
        throw new InvalidOperationException("GET key != 3");
    }
};

// Warm-up, then alternate the two so that both see the same machine.
foreach (var call in new[] { tinoCall, redisCall })
{
    if (call is not null)
    {
        await Measure(call, TimeSpan.FromSeconds(2));
    }
}
var tinoRates = new List<double>();
var redisRates = new List<double>();
for (var round = 0; round < rounds; round++)
{
    if (tinoCall is not null)
    {
        tinoRates.Add(await Measure(tinoCall, TimeSpan.FromSeconds(seconds)));
    }
    if (redisCall is not null)
    {
        redisRates.Add(await Measure(redisCall, TimeSpan.FromSeconds(seconds)));
    }
}
Console.WriteLine($"callers: {callers}, rounds: {rounds} x {seconds} s, median calls/s");
if (tinoRates.Count > 0)
{
    Console.WriteLine($"tino  add(1, 2): {Median(tinoRates):0}");
}
if (redisRates.Count > 0)
{
    Console.WriteLine($"redis GET key  : {Median(redisRates):0}");
}
if (tinoRates.Count > 0 && redisRates.Count > 0)
{
    Console.WriteLine($"ratio tino/redis: {Median(tinoRates) / Median(redisRates):0.00}");
}

async Task<double> Measure(Func<Task> call, TimeSpan duration)
{
    long calls = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
    {
        while (clock.Elapsed < duration)
        {
            await call();
            Interlocked.Increment(ref calls);
        }
    }));
    return calls / clock.Elapsed.TotalSeconds;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
