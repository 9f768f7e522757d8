// The HTTP/JSON peer of the Tino QuickStart server for the side-by-side benchmarks (docs/benchmarks.md):
// an ASP.NET Core minimal API, POST /add with body {"a":1,"b":2} answering {"sum":3}, and POST /orders/one and
// /orders/many returning the order or orders they were sent (the structured payloads, bench/Peers/Orders).
// Run: dotnet bench/Peers/HttpPeer/bin/Release/net10.0/HttpPeer.dll --port 7606
// Prints a line containing "listening" once it accepts requests; stops on Ctrl+C or SIGTERM.
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tino.Bench.Orders;
using Tino.Bench.Peers.Contracts;

var host = ArgumentValue("--host") ?? "127.0.0.1";
var port = int.Parse(ArgumentValue("--port") ?? "7606", System.Globalization.CultureInfo.InvariantCulture);

// The slim builder, as in ASP.NET Core's AOT Web API template: Kestrel without the HTTPS and HTTP/3 set-up
// this endpoint never uses, and only the hosting features a minimal API needs.
var builder = WebApplication.CreateSlimBuilder(args);

// Logging at Warning, as production apps run: Information logs lines per request in ASP.NET Core, which
// would measure the console rather than the endpoint.
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.WebHost.ConfigureKestrel(kestrel =>
    // HTTP/1.1, what HttpClient sends to an http:// address by default and what JSON APIs are mostly called
    // with. Without TLS there is no ALPN, so one unencrypted endpoint cannot offer HTTP/1.1 and HTTP/2 both.
    kestrel.Listen(IPAddress.Parse(host), port, listen => listen.Protocols = HttpProtocols.Http1));

// The source-generated contract first in the chain, as the minimal API and System.Text.Json docs show:
// request and reply (de)serialization then uses no reflection.
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.TypeInfoResolverChain.Insert(0, AddJsonContext.Default);
    json.SerializerOptions.TypeInfoResolverChain.Insert(1, OrderJsonContext.Default);
});

var app = builder.Build();
app.MapPost("/add", (AddRequest request) => new AddReply((long)request.A + request.B));
app.MapPost("/orders/one", (Order order) => order);
app.MapPost("/orders/many", (Order[] orders) => orders);

await app.StartAsync();
Console.WriteLine($"HttpPeer listening on http://{host}:{port} (HTTP/1.1)");
await app.WaitForShutdownAsync();

string? ArgumentValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
