// Events per second from one publishing client to S subscribers (raw sockets, RawSubscriber.cs) of one channel: through
// Tino servers (the publisher calls an interop server's notify on the first address; subscribers are spread over all
// of them, which share a backplane when there are several) or through redis-server (the publisher sends PUBLISH).
// Both publish the same MessagePack bin of --payload bytes, so the subscribers read the same bytes either way.
//
// Usage: FanOut --target <tino|redis> --publish <host:port> --subscribe <host:port>[,<host:port>...]
//               [--subscribers 50] [--events 100000] [--payload 100] [--in-flight 16]
//
// Drivers read the last stdout line, exactly "events/s: <integer>": the events each subscriber received per second,
// from the first publish until the last subscriber had them all, after a warm-up of a fifth as many. Any event that
// never arrives (nothing for 10 s) ends the run with a non-zero exit code and no such line.
using System.Diagnostics;
using System.Globalization;
using MessagePack;
using Tino.Client;

const string Usage =
    "usage: FanOut --target <tino|redis> --publish <host:port> --subscribe <host:port>[,<host:port>...] [--subscribers 50] [--events 100000] [--payload 100] [--in-flight 16]";

string target, publishAddress;
string[] subscribeAddresses;
int subscribers, events, payload, inFlight;
try
{
    target = Option("--target") is "tino" or "redis" ? Option("--target")! : throw new ArgumentException("--target is tino or redis");
    publishAddress = Option("--publish") ?? throw new ArgumentException("--publish is required");
    subscribeAddresses = (Option("--subscribe") ?? throw new ArgumentException("--subscribe is required")).Split(',');
    subscribers = int.Parse(Option("--subscribers") ?? "50", CultureInfo.InvariantCulture);
    events = int.Parse(Option("--events") ?? "100000", CultureInfo.InvariantCulture);
    payload = int.Parse(Option("--payload") ?? "100", CultureInfo.InvariantCulture);
    inFlight = int.Parse(Option("--in-flight") ?? "16", CultureInfo.InvariantCulture);
    if (subscribers < 1 || events < 1 || payload < 1 || inFlight < 1)
    {
        throw new ArgumentException("--subscribers, --events, --payload and --in-flight must be positive");
    }
}
catch (Exception error) when (error is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

var channel = $"fanout.{Environment.ProcessId}";
await using var publisher = await TinoClient.ConnectAsync($"redis://{publishAddress}");
var subscriptions = new RawSubscriber[subscribers];
for (var s = 0; s < subscribers; s++)
{
    subscriptions[s] = await RawSubscriber.StartAsync(subscribeAddresses[s % subscribeAddresses.Length], channel);
}

// The event as published: a MessagePack bin, sent as notify's argument or as PUBLISH's message.
var probe = MessagePackSerializer.Serialize(Array.Empty<byte>());
var message = MessagePackSerializer.Serialize(Enumerable.Range(0, payload).Select(i => (byte)i).ToArray());
var channelArgument = target == "tino" ? MessagePackSerializer.Serialize(channel) : System.Text.Encoding.UTF8.GetBytes(channel);

ValueTask Publish(byte[] value) => target == "tino"
    ? new ValueTask(publisher.CallRawAsync("notify", [channelArgument, value]).AsTask())
    : new ValueTask(publisher.ExecuteAsync("PUBLISH", [channelArgument, value]).AsTask());

var waiting = Stopwatch.StartNew();
while (!subscriptions.All(s => s.Probed))
{
    if (waiting.Elapsed > TimeSpan.FromSeconds(30))
    {
        Console.Error.WriteLine($"only {subscriptions.Count(s => s.Probed)} of {subscribers} subscriptions confirmed after 30 s");
        return 1;
    }
    await Publish(probe);
    await Task.Delay(20);
}

// A warm-up of a fifth as many events, all awaited, then the measured ones: each subscriber must have both.
if (await PublishAndAwait(Math.Max(1, events / 5)) is null)
{
    return 1;
}
var clock = Stopwatch.StartNew();
if (await PublishAndAwait(events) is not { } published)
{
    return 1;
}
var elapsed = clock.Elapsed;
foreach (var subscription in subscriptions)
{
    subscription.Dispose();
}
Console.WriteLine($"published {events} events in {published.TotalSeconds:F2} s (after {Math.Max(1, events / 5)} to warm up); every subscriber had them all after {elapsed.TotalSeconds:F2} s");
Console.WriteLine($"events/s: {Math.Round(events / elapsed.TotalSeconds).ToString(CultureInfo.InvariantCulture)}");
return 0;

// Publishes `count` events with `inFlight` publishes at a time and waits until every subscriber has them; how long
// the publishing took, or null when deliveries stopped arriving for 10 s before all came.
async Task<TimeSpan?> PublishAndAwait(int count)
{
    var started = Stopwatch.StartNew();
    var expected = subscriptions.Select(s => s.Received + count).ToArray();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) < count)
        {
            await Publish(message);
        }
    }));
    var published = started.Elapsed;
    long Total() => subscriptions.Sum(s => s.Received);
    var last = Total();
    var progressed = Stopwatch.StartNew();
    while (subscriptions.Where((s, i) => s.Received < expected[i]).Any())
    {
        await Task.Delay(5);
        var now = Total();
        if (now != last)
        {
            last = now;
            progressed.Restart();
        }
        else if (progressed.Elapsed > TimeSpan.FromSeconds(10))
        {
            Console.Error.WriteLine($"lost: {expected.Sum() - now} of {(long)count * subscribers} deliveries never arrived");
            return null;
        }
    }
    return published;
}

static string? Option(string name)
{
    var args = Environment.GetCommandLineArgs();
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
