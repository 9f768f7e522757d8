// Events per second from one publishing client to S subscribers, each a Tino client subscribed to one channel: through
// Tino servers (the publisher calls an interop server's notify on the first address; subscribers are spread over all
// of them, which share a backplane when there are several) or through redis-server (the publisher sends PUBLISH).
// Both publish the same MessagePack bin of --payload bytes, so the subscribers read the same bytes either way.
//
// Usage: FanOut --target <tino|redis> --publish <host:port> --subscribe <host:port>[,<host:port>...]
//               [--subscribers 50] [--events 100000] [--payload 100] [--in-flight 16]
//
// Drivers read the last stdout line, exactly "events/s: <integer>": the events each subscriber received per second,
// from the first publish until the last subscriber had them all. Any event that never arrives (nothing for 10 s)
// ends the run with a non-zero exit code and no such line.
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
var listeners = new TinoClient[subscribers];
var received = new long[subscribers];
var probed = new bool[subscribers];
using var stop = new CancellationTokenSource();
var readers = new Task[subscribers];
for (var s = 0; s < subscribers; s++)
{
    listeners[s] = await TinoClient.ConnectAsync($"redis://{subscribeAddresses[s % subscribeAddresses.Length]}");
    var index = s;
    readers[s] = Task.Run(async () =>
    {
        // An empty bin is a probe, sent until every subscription is confirmed; the measured events carry the payload.
        await foreach (var value in listeners[index].SubscribeAsync<ReadOnlyMemory<byte>>(channel, stop.Token))
        {
            if (value.Length == 0)
            {
                Volatile.Write(ref probed[index], true);
            }
            else
            {
                Interlocked.Increment(ref received[index]);
            }
        }
    });
}

// The event as published: a MessagePack bin, sent as notify's argument or as PUBLISH's message.
var probe = MessagePackSerializer.Serialize(Array.Empty<byte>());
var message = MessagePackSerializer.Serialize(Enumerable.Range(0, payload).Select(i => (byte)i).ToArray());
var channelArgument = target == "tino" ? MessagePackSerializer.Serialize(channel) : System.Text.Encoding.UTF8.GetBytes(channel);

ValueTask Publish(byte[] value) => target == "tino"
    ? new ValueTask(publisher.CallRawAsync("notify", [channelArgument, value]).AsTask())
    : new ValueTask(publisher.ExecuteAsync("PUBLISH", [channelArgument, value]).AsTask());

var waiting = Stopwatch.StartNew();
while (!probed.All(p => p))
{
    if (waiting.Elapsed > TimeSpan.FromSeconds(30))
    {
        Console.Error.WriteLine($"only {probed.Count(p => p)} of {subscribers} subscriptions confirmed after 30 s");
        return 1;
    }
    await Publish(probe);
    await Task.Delay(20);
}

var clock = Stopwatch.StartNew();
var next = -1;
await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
{
    while (Interlocked.Increment(ref next) < events)
    {
        await Publish(message);
    }
}));
var published = clock.Elapsed;
long Total() => received.Sum(count => Volatile.Read(ref count));
var last = Total();
var progressed = Stopwatch.StartNew();
while (received.Any(count => Volatile.Read(ref count) < events))
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
        Console.Error.WriteLine($"lost: {(long)events * subscribers - now} of {(long)events * subscribers} deliveries never arrived");
        return 1;
    }
}
var elapsed = clock.Elapsed;
await stop.CancelAsync();
foreach (var listener in listeners)
{
    await listener.DisposeAsync();
}
Console.WriteLine($"published {events} events in {published.TotalSeconds:F2} s; every subscriber had them all after {elapsed.TotalSeconds:F2} s");
Console.WriteLine($"events/s: {Math.Round(events / elapsed.TotalSeconds).ToString(CultureInfo.InvariantCulture)}");
return 0;

static string? Option(string name)
{
    var args = Environment.GetCommandLineArgs();
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
