// Streams and events against an interop server (docs/interop-server.md: range, notify), in one run:
//   1. items/s reading range(N) through the Tino client (ITER, then NEXT requests kept in flight);
//   2. items/s reading the same through raw ITER/NEXT sent by StackExchange.Redis, one NEXT at a time;
//   3. events/s delivered to S subscribers (Tino client subscriptions), published with notify by 50 callers.
// Usage: StreamLoad --server host:port [--items 1000000] [--rounds 3] [--subscribers 10] [--events 200000] [--count 1000]
//                   [--batch <client NEXT count>] [--in-flight <client NEXT requests in flight>]
using System.Diagnostics;
using System.Globalization;
using MessagePack;
using StackExchange.Redis;
using Tino.Client;

var server = Option("--server") ?? "127.0.0.1:7534";
var items = int.Parse(Option("--items") ?? "1000000", CultureInfo.InvariantCulture);
var rounds = int.Parse(Option("--rounds") ?? "3", CultureInfo.InvariantCulture);
var subscribers = int.Parse(Option("--subscribers") ?? "10", CultureInfo.InvariantCulture);
var events = int.Parse(Option("--events") ?? "200000", CultureInfo.InvariantCulture);
var rawCount = int.Parse(Option("--count") ?? "1000", CultureInfo.InvariantCulture);
var clientOptions = TinoClientOptions.Default with
{
    StreamBatchSize = int.Parse(Option("--batch") ?? TinoClientOptions.Default.StreamBatchSize.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
    StreamRequestsInFlight = int.Parse(Option("--in-flight") ?? TinoClientOptions.Default.StreamRequestsInFlight.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
};

await using var client = await TinoClient.ConnectAsync($"redis://{server}", clientOptions);
using var redis = await ConnectionMultiplexer.ConnectAsync(server);
var db = redis.GetDatabase();

async Task<double> ThroughClient()
{
    var clock = Stopwatch.StartNew();
    long count = 0, sum = 0;
    await foreach (var i in client.StreamAsync<int>("range", items))
    {
        count++;
        sum += i;
    }
    Check(count, sum);
    return count / clock.Elapsed.TotalSeconds;
}

async Task<double> ThroughRawIterNext()
{
    var clock = Stopwatch.StartNew();
    long count = 0, sum = 0;
    var reply = (RedisResult[])(await db.ExecuteAsync("ITER", "range", MessagePackSerializer.Serialize(items)))!;
    while (true)
    {
        foreach (var item in (RedisResult[])reply[1]!)
        {
            count++;
            sum += MessagePackSerializer.Deserialize<int>((byte[])item!);
        }
        var cursor = (string)reply[0]!;
        if (cursor == "0")
        {
            break;
        }
        reply = (RedisResult[])(await db.ExecuteAsync("NEXT", cursor, rawCount))!;
    }
    Check(count, sum);
    return count / clock.Elapsed.TotalSeconds;
}

void Check(long count, long sum)
{
    if (count != items || sum != (long)items * (items - 1) / 2)
    {
        throw new InvalidOperationException($"read {count} items summing to {sum}");
    }
}

var subscriberRounds = 0;

async Task<double> ToSubscribers()
{
    var channel = $"bench.{++subscriberRounds}";
    var listeners = new List<TinoClient>();
    var received = new long[subscribers];
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    using var stop = new CancellationTokenSource();
    var readers = new List<Task>();
    for (var s = 0; s < subscribers; s++)
    {
        var listener = await TinoClient.ConnectAsync($"redis://{server}");
        listeners.Add(listener);
        var index = s;
        readers.Add(Task.Run(async () =>
        {
            await foreach (var value in listener.SubscribeAsync<int>(channel, stop.Token))
            {
                if (value >= 0 && Interlocked.Increment(ref received[index]) == events && received.All(r => Volatile.Read(ref r) >= events))
                {
                    done.TrySetResult();
                }
            }
        }));
    }
    // Wait until every subscription is confirmed: a probe reaches all of them.
    while (await client.CallAsync<int>("notify", channel, -1) < subscribers)
    {
        await Task.Delay(10);
    }
    var clock = Stopwatch.StartNew();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
    {
        int value;
        while ((value = Interlocked.Increment(ref next)) < events)
        {
            await client.CallAsync<int>("notify", channel, value);
        }
    }));
    await done.Task.WaitAsync(TimeSpan.FromSeconds(120));
    var rate = (double)events * subscribers / clock.Elapsed.TotalSeconds;
    await stop.CancelAsync();
    foreach (var listener in listeners)
    {
        await listener.DisposeAsync();
    }
    await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
    return rate;
}

// Warm-up, then alternate the two reads so that both see the same machine.
await ThroughClient();
await ThroughRawIterNext();
var viaClient = new List<double>();
var viaRaw = new List<double>();
for (var round = 0; round < rounds; round++)
{
    viaClient.Add(await ThroughClient());
    viaRaw.Add(await ThroughRawIterNext());
}
await ToSubscribers();
var delivered = new List<double>();
for (var round = 0; round < rounds; round++)
{
    delivered.Add(await ToSubscribers());
}
Console.WriteLine($"rounds: {rounds}, medians");
Console.WriteLine($"range({items:N0}) via the Tino client (batch {clientOptions.StreamBatchSize}, {clientOptions.StreamRequestsInFlight} NEXT in flight): {Median(viaClient):N0} items/s");
Console.WriteLine($"range({items:N0}) via raw ITER/NEXT {rawCount} from StackExchange.Redis, one NEXT at a time: {Median(viaRaw):N0} items/s");
Console.WriteLine($"notify x {events:N0} to {subscribers} subscribers (Tino client subscriptions), 50 publishing callers: {Median(delivered):N0} events/s delivered");

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
