// The interop server of docs/interop-server.md, built with the C# fluent builder.
// Run: dotnet run -c Release --project samples/InteropServer.CSharp -- --host 127.0.0.1 --port 7534 [--backplane redis://host:6379]
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tino;
using Tino.Hosting;
using Tino.Redis;
using Tino.Samples.InteropServer.CSharp;

var host = ArgumentValue("--host") ?? "127.0.0.1";
var port = int.Parse(ArgumentValue("--port") ?? "7534", CultureInfo.InvariantCulture);

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// Logs go to stderr: stdout carries only the listening line.
using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
    .SetMinimumLevel(LogLevel.Warning));
var app = InteropApp.Create();
if (ArgumentValue("--backplane") is { } redis)
{
    // Events published on any instance reach the subscribers of every instance that shares this Redis.
    app = app.WithOptions(app.Options with { Events = app.Options.Events with { Backplane = new RedisBackplane(redis, "tino-interop:", loggerFactory.CreateLogger("Tino.Redis")) } });
}
await using var server = new TinoServer(app, loggerFactory);
await server.StartAsync(new IPEndPoint(IPAddress.Parse(host), port));
Console.WriteLine($"Tino listening on redis://{host}:{server.LocalEndPoint!.Port}");
Console.Out.Flush();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // SIGINT or SIGTERM: disposing the server drains the connections, then the process exits 0.
}

void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}

string? ArgumentValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
