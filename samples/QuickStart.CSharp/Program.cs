// A Tino server in the Generic Host. Host and port come from configuration (the "Tino" section):
//   dotnet run -c Release --project samples/QuickStart.CSharp -- --Tino:Port=7534
// Call it: redis-cli -p 7534 ADD $'\x01' $'\x02' (MessagePack 1 and 2), or from redis-py / StackExchange.Redis (see README.md).
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tino;
using Tino.Hosting;
using Tino.Samples.QuickStart.CSharp;

var passwords = new Dictionary<string, string> { ["tinaspassword"] = "tina", ["bobspassword"] = "bob" };

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<IGreeter, Greeter>();
builder.Services.AddTino(tino => tino
    .UseAuth(password => passwords.GetValueOrDefault(password))
    .UseConnectionState(() => 0)
    .Command("add", (int a, int b) => (long)a + b)
    .Command("whoami", (AuthRequired<string> auth) => auth.Value)         // needs AUTH first
    .Command("counter", (ConnState<int> calls) => ++calls.Value)           // private to each connection
    .Command("now", ([FromServices] TimeProvider clock) => clock.GetUtcNow())   // a service from the container, per call
    .MapService<IGreeter>());                                              // greet, visits

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"Tino listening on {host.Services.GetRequiredService<TinoHostedService>().Address}");
await host.WaitForShutdownAsync(); // Ctrl+C or SIGTERM: the server drains its calls, then the process exits 0.
