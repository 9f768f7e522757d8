// A Tino server built with Tino.Core alone: the app record, three commands, auth and connection state.
// Run: dotnet run -c Release --project samples/QuickStart -- --port 7534
// Call: redis-cli -p 7534 PING; redis-cli -p 7534 ADD $'\x01' $'\x02' (MessagePack 1 and 2; prints the byte 3)
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tino;
using Tino.Hosting;

var host = ArgumentValue("--host") ?? "127.0.0.1";
var port = int.Parse(ArgumentValue("--port") ?? "7534");

var passwords = new Dictionary<string, string> { ["tinaspassword"] = "tina", ["bobspassword"] = "bob" };

var app = TinoApp.Empty
    .WithAuth(AuthHandler.Create((string password) => passwords.GetValueOrDefault(password)))
    .WithState(ConnectionStateFactory.Create(() => 0))
    .WithCommand("add", (int a, int b) => (long)a + b)
    .WithCommand("whoami", (AuthRequired<string> auth) => auth.Value)
    .WithCommand("counter", (ConnState<int> calls) => ++calls.Value)
    .WithCommand("sleep", async (int ms, CancellationToken cancellation) =>
    {
        await Task.Delay(ms, cancellation);
        return ms;
    });

using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
await using var server = new TinoServer(app, loggerFactory);
await server.StartAsync(new IPEndPoint(IPAddress.Parse(host), port));
Console.WriteLine($"Tino listening on redis://{host}:{server.LocalEndPoint!.Port}");

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stop.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.Cancel(); });
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM: DisposeAsync drains the connections.
}

string? ArgumentValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
