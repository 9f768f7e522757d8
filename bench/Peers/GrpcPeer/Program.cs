// The gRPC peer of the Tino QuickStart server for the side-by-side benchmarks (docs/benchmarks.md):
// ASP.NET Core gRPC serving Calculator.Add and OrderEcho (the structured payloads) on an HTTP/2-only, unencrypted (h2c) Kestrel endpoint.
// Run: dotnet bench/Peers/GrpcPeer/bin/Release/net10.0/GrpcPeer.dll --port 7605
// Prints a line containing "listening" once it accepts calls; stops on Ctrl+C or SIGTERM.
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tino.Bench.Peers;

var host = ArgumentValue("--host") ?? "127.0.0.1";
var port = int.Parse(ArgumentValue("--port") ?? "7605", System.Globalization.CultureInfo.InvariantCulture);

// The slim builder is what the gRPC template's AOT variant starts from: Kestrel without the HTTPS and
// HTTP/3 set-up this endpoint never uses, and no hosting features the benchmark does not call.
var builder = WebApplication.CreateSlimBuilder(args);

// Logging at Warning, as production apps run: Information logs a line per request in ASP.NET Core, which
// would measure the console rather than gRPC.
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.WebHost.ConfigureKestrel(kestrel =>
    // gRPC needs HTTP/2. Without TLS there is no ALPN to negotiate it, so the endpoint speaks HTTP/2 only
    // (prior knowledge), the set-up the gRPC docs give for unencrypted calls; the client connects with http://.
    // Kestrel's default of 100 concurrent streams per connection is above the 50 callers, so no call waits
    // for a stream.
    kestrel.Listen(IPAddress.Parse(host), port, listen => listen.Protocols = HttpProtocols.Http2));

// Defaults otherwise: no detailed errors, no compression (the gRPC docs advise against compressing small
// messages), no interceptors.
builder.Services.AddGrpc();

var app = builder.Build();
app.MapGrpcService<CalculatorService>();
app.MapGrpcService<OrderEchoService>();

await app.StartAsync();
Console.WriteLine($"GrpcPeer listening on http://{host}:{port} (HTTP/2 without TLS)");
await app.WaitForShutdownAsync();

string? ArgumentValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
