using System.Net;
using Tino;
using Tino.Client;
using Tino.Hosting;

// A server of the ICalculator contract on a free port (any Tino server, in any process, will do).
var app = TinoApp.CreateBuilder()
    .UseAuth(password => password == "secret" ? "tina" : null)
    .MapService<ICalculator>(new Calculator())
    .Build();
await using var server = new TinoServer(app);
await server.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));

await using var client = await TinoClient.ConnectAsync($"redis://:secret@127.0.0.1:{server.LocalEndPoint!.Port}");

// Untyped: a command's name and its arguments.
long three = await client.CallAsync<long>("add", 1, 2);

// Typed: the contract the server maps, as a proxy.
var calculator = client.CreateProxy<ICalculator>();
long seven = await calculator.AddAsync(3, 4);
double half = await calculator.DivideAsync(1, 2);
string user = await calculator.WhoAmIAsync(default);    // AuthRequired is the server's: not sent
Console.WriteLine($"{three} {seven} {half} {user}");    // 3 7 0.5 tina

try
{
    await client.CallAsync<long>("add", "one", 2);
}
catch (TinoArgumentException error)
{
    Console.WriteLine($"{error.Code} {string.Join('.', error.Location)}");    // VALIDATION_ERROR command.a
}

public interface ICalculator
{
    Task<long> AddAsync(int a, int b);                       // add
    Task<string> WhoAmIAsync(AuthRequired<string> auth);     // who_am_i
    ValueTask<double> DivideAsync(double a, double b, CancellationToken cancellation = default);    // divide; the token is not sent
}

public sealed class Calculator : ICalculator
{
    public Task<long> AddAsync(int a, int b) => Task.FromResult((long)a + b);

    public Task<string> WhoAmIAsync(AuthRequired<string> auth) => Task.FromResult(auth.Value);

    public ValueTask<double> DivideAsync(double a, double b, CancellationToken cancellation = default) => ValueTask.FromResult(a / b);
}
