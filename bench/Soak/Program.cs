// Holds N connections calling a Tino server for a while; every interval it prints the calls made,
// the errors seen and the server's resident memory (read from /proc of the server's pid).
// Usage: Soak --server host:port --pid <server pid> [--connections 50] [--minutes 5] [--interval 10]
using System.Diagnostics;
using System.Globalization;
using Tino.Client;

var server = Option("--server") ?? "127.0.0.1:7534";
var pid = int.Parse(Option("--pid") ?? throw new ArgumentException("--pid <server pid> is required"), CultureInfo.InvariantCulture);
var connections = int.Parse(Option("--connections") ?? "50", CultureInfo.InvariantCulture);
var duration = TimeSpan.FromMinutes(double.Parse(Option("--minutes") ?? "5", CultureInfo.InvariantCulture));
var interval = TimeSpan.FromSeconds(double.Parse(Option("--interval") ?? "10", CultureInfo.InvariantCulture));

var clients = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => TinoClient.ConnectAsync($"redis://{server}")));
long calls = 0, errors = 0;
using var stop = new CancellationTokenSource(duration);
var callers = clients.Select((client, index) => Task.Run(async () =>
{
    var i = 0;
    while (!stop.IsCancellationRequested)
    {
        try
        {
            // A mix: plain calls, an asynchronous one, and an error reply the server must answer without harm.
            switch (i++ % 10)
            {
                case 9:
                    try
                    {
                        await client.CallAsync<int>("whoami");
                        Interlocked.Increment(ref errors); // Unauthenticated: it must be refused.
                    }
                    catch (TinoPermissionException)
                    {
                    }
                    break;
                case 8:
                    if (await client.CallAsync<int>("sleep", 1) != 1) Interlocked.Increment(ref errors);
                    break;
                default:
                    if (await client.CallAsync<long>("add", index, i) != index + i) Interlocked.Increment(ref errors);
                    break;
            }
            Interlocked.Increment(ref calls);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref errors);
        }
    }
})).ToArray();

Console.WriteLine("| elapsed (s) | calls/s | errors | server RSS (MiB) |");
Console.WriteLine("|---|---|---|---|");
var clock = Stopwatch.StartNew();
long lastCalls = 0;
var lastTime = TimeSpan.Zero;
while (!stop.IsCancellationRequested)
{
    try
    {
        await Task.Delay(interval, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
    var now = clock.Elapsed;
    var total = Interlocked.Read(ref calls);
    var rate = (total - lastCalls) / (now - lastTime).TotalSeconds;
    Console.WriteLine($"| {now.TotalSeconds:0} | {rate:0} | {Interlocked.Read(ref errors)} | {ResidentMiB(pid):0.0} |");
    (lastCalls, lastTime) = (total, now);
}
await Task.WhenAll(callers);
foreach (var client in clients)
{
    await client.DisposeAsync();
}
Console.WriteLine($"total calls: {calls}, errors: {errors}");
return errors == 0 ? 0 : 1;

static double ResidentMiB(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
