// A Tino server with Tino.Core alone: the app record, four commands, auth and per-connection state.
// Run: dotnet run -c Release --project samples/QuickStart (add -- --port 7600 for another port); Ctrl+C stops it.
// Call: redis-cli -p 7534 PING; redis-cli -p 7534 ADD $'\x01' $'\x02' (MessagePack 1 and 2; replies the byte 3)
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Tino;
using Tino.Hosting;

var app = TinoApp.Empty
    .WithAuth(AuthHandler.Create((string password) => password == "tinaspassword" ? "tina" : null))
    .WithState(ConnectionStateFactory.Create(() => 0))
    .WithCommand("add", (int a, int b) => (long)a + b)
    .WithCommand("whoami", (AuthRequired<string> auth) => auth.Value)   // needs AUTH first
    .WithCommand("counter", (ConnState<int> calls) => ++calls.Value)     // private to each connection
    .WithCommand("sleep", async (int ms, CancellationToken cancellation) =>
    {
        await Task.Delay(ms, cancellation);
        return ms;
    });

var port = args is ["--port", var given] ? int.Parse(given, CultureInfo.InvariantCulture) : 7534;

// Ctrl+C (SIGINT) and SIGTERM stop the server gracefully instead of killing the process.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var server = new TinoServer(app);   // warnings and errors go to stderr; or pass an ILoggerFactory
await server.StartAsync(new IPEndPoint(IPAddress.Loopback, port));
Console.WriteLine($"Tino listening on redis://127.0.0.1:{server.LocalEndPoint!.Port}");

await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
// Leaving here disposes the server: it answers the calls already read, runs the shut-down hooks, and stops.

void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}
