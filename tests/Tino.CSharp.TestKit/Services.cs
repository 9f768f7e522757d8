using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;

namespace Tino.CSharp.TestKit;

/// <summary>A singleton that counts what scoped services and per-call instances did.</summary>
public sealed class Tracker
{
    private int _created;
    private int _disposed;

    /// <summary>How many were made.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>How many were disposed.</summary>
    public int Disposed => Volatile.Read(ref _disposed);

    /// <summary>Counts one made.</summary>
    public int Create() => Interlocked.Increment(ref _created);

    /// <summary>Counts one disposed.</summary>
    public void Dispose() => Interlocked.Increment(ref _disposed);
}

/// <summary>A singleton service.</summary>
public sealed record Greeting(string Text);

/// <summary>A service nobody registers.</summary>
public interface IMissing;

/// <summary>A scoped service: one instance per call, disposed (asynchronously) when the call ends.</summary>
public interface IScoped
{
    /// <summary>Which instance this is, counted from 1.</summary>
    int Number { get; }
}

/// <summary>The scoped service's implementation.</summary>
public sealed class Scoped(Tracker tracker) : IScoped, IAsyncDisposable
{
    /// <inheritdoc />
    public int Number { get; } = tracker.Create();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        tracker.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A service contract: every method becomes a command.</summary>
public interface ICalculator
{
    /// <summary>add</summary>
    [Description("Adds two integers.")]
    long Add(int a, int b);

    /// <summary>multiply, asynchronous: the Async suffix is dropped.</summary>
    Task<long> MultiplyAsync(int a, int b);

    /// <summary>A name given by attribute.</summary>
    [CommandName("calc.renamed")]
    string Renamed();

    /// <summary>An acronym: http_status.</summary>
    ValueTask<string> HTTPStatusAsync();

    /// <summary>A magic parameter in a contract.</summary>
    string WhoAmI(AuthRequired<string> auth);

    /// <summary>A nullable result.</summary>
    string? Find(string? key);

    /// <summary>Which instance served the call.</summary>
    int Instance();
}

/// <summary>A contract that extends another: its commands include the base's.</summary>
public interface IScientific : ICalculator
{
    /// <summary>square_root</summary>
    double SquareRoot(double x);
}

/// <summary>The calculator, counting its instances and disposals.</summary>
public sealed class Calculator(Tracker tracker) : IScientific, IDisposable
{
    private readonly int _number = tracker.Create();

    /// <inheritdoc />
    public long Add(int a, int b) => (long)a + b;

    /// <inheritdoc />
    public async Task<long> MultiplyAsync(int a, int b)
    {
        await Task.Yield();
        return (long)a * b;
    }

    /// <inheritdoc />
    public string Renamed() => "renamed";

    /// <inheritdoc />
    public ValueTask<string> HTTPStatusAsync() => ValueTask.FromResult("200");

    /// <inheritdoc />
    public string WhoAmI(AuthRequired<string> auth) => auth.Value;

    /// <inheritdoc />
    public string? Find(string? key) => key == "known" ? "found" : null;

    /// <inheritdoc />
    public int Instance() => _number;

    /// <inheritdoc />
    public double SquareRoot(double x) => Math.Sqrt(x);

    /// <inheritdoc />
    public void Dispose() => tracker.Dispose();
}

/// <summary>Apps whose handlers take services from a container.</summary>
public static class ServiceApps
{
    /// <summary>A container with a tracker, a greeting (plain and keyed "formal"), a scoped service and a scoped calculator.</summary>
    public static ServiceProvider Container() =>
        new ServiceCollection()
            .AddSingleton<Tracker>()
            .AddSingleton(new Greeting("hello"))
            .AddKeyedSingleton("formal", new Greeting("good day"))
            .AddScoped<IScoped, Scoped>()
            .AddScoped<IScientific, Calculator>()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

    /// <summary>An app whose handlers take services in every way the builder knows.</summary>
    public static TinoApp Create(IServiceProvider services) =>
        TinoApp.CreateBuilder()
            .UseServices(services)
            .UseAuth(Handlers.Authenticate)
            .Command("greet", ([FromServices] Greeting greeting, string name) => $"{greeting.Text} {name}")
            .Command("greet_inferred", (string name, Greeting greeting) => $"{greeting.Text} {name}")
            .Command("greet_keyed", (string name, [FromKeyedServices("formal")] Greeting greeting) => $"{greeting.Text} {name}")
            .Command("optional", ([FromServices] IMissing? missing) => missing is null)
            .Command("same_scope", (IScoped first, IScoped second) => first.Number == second.Number ? first.Number : -1)
            .Command("mixed_scope", ([FromServices] IScoped marked, IScoped inferred) => marked.Number == inferred.Number ? marked.Number : -1)
            .Command("scoped_after", async (int ms, IScoped scoped, CancellationToken cancellation, Tracker tracker) =>
            {
                await Task.Delay(ms, cancellation);
                return tracker.Disposed < scoped.Number; // this call's scope is not disposed yet
            })
            .Command("disposed", (Tracker tracker) => new[] { tracker.Created, tracker.Disposed })
            .Command("scoped_whoami", (AuthRequired<string> auth, IScoped scoped) => $"{auth.Value} {scoped.Number}")
            .Command("scoped_throws", (IScoped scoped) => { throw new TinoException("SCOPED", scoped.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)); })
            .MapService<IScientific>()
            .Build();

    /// <summary>An app serving the calculator from one instance.</summary>
    public static TinoApp WithInstance(Tracker tracker) =>
        TinoApp.CreateBuilder().UseAuth(Handlers.Authenticate).MapService<IScientific>(new Calculator(tracker)).Build();

    /// <summary>An app serving the calculator from a factory: one instance per call, disposed after it.</summary>
    public static TinoApp WithFactory(Tracker tracker) =>
        TinoApp.CreateBuilder().UseAuth(Handlers.Authenticate).MapService<IScientific>(() => new Calculator(tracker)).Build();
}
