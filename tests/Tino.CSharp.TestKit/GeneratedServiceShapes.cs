using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Tino.CSharp.TestKit;

/// <summary>
/// Every shape of handler served with a scope per call: results of every kind with <c>[FromServices]</c> and
/// <c>[FromKeyedServices]</c> parameters, magic parameters beside them, and the per-call contracts. Each handler is a
/// method, bound inline by <see cref="App"/> (so Tino.Generators binds it) and listed in <see cref="Methods"/>, from
/// which the tests bind the same methods by reflection.
/// </summary>
public static class GeneratedServiceShapes
{
    /// <summary>The app, bound by the generated code, on <paramref name="services"/> (<see cref="ServiceApps.Container"/>).</summary>
    public static TinoApp App(IServiceProvider services) =>
        TinoApp.CreateBuilder()
            .UseServices(services)
            .UseAuth(Handlers.Authenticate)
            .Command("greet", Greet)
            .Command("greet_keyed", GreetFormally)
            .Command("optional", Optional)
            .Command("same_scope", SameScope)
            .Command("scoped_after", ScopedAfterAsync)
            .Command("touch", Touch)
            .Command("touch_later", TouchLaterAsync)
            .Command("touch_value_task", TouchValueTask)
            .Command("scoped_value", ScopedValue)
            .Command("scoped_whoami", ScopedWhoAmI)
            .Command("scoped_count", ScopedCount)
            .Command("scoped_count_later", ScopedCountLaterAsync)
            .Command("disposed", Disposed)
            .MapService<IScientific>()
            .MapService<ICounter>(() => new Counter(new ConcurrentQueue<string>()))
            .Build();

    /// <summary>The commands of <see cref="App"/> bound by <c>Command(name, handler)</c>: their names and methods.</summary>
    public static IReadOnlyList<(string Name, Delegate Handler)> Methods { get; } =
    [
        ("greet", Greet),
        ("greet_keyed", GreetFormally),
        ("optional", Optional),
        ("same_scope", SameScope),
        ("scoped_after", ScopedAfterAsync),
        ("touch", Touch),
        ("touch_later", TouchLaterAsync),
        ("touch_value_task", TouchValueTask),
        ("scoped_value", ScopedValue),
        ("scoped_whoami", ScopedWhoAmI),
        ("scoped_count", ScopedCount),
        ("scoped_count_later", ScopedCountLaterAsync),
        ("disposed", Disposed),
    ];

    private static string Greet([FromServices] Greeting greeting, string name) => $"{greeting.Text} {name}";

    private static string GreetFormally(string name, [FromKeyedServices("formal")] Greeting greeting) => $"{greeting.Text} {name}";

    private static bool Optional([FromServices] IMissing? missing) => missing is null;

    /// <summary>Two parameters of one scoped service are one instance: one scope per call.</summary>
    private static int SameScope([FromServices] IScoped first, [FromServices] IScoped second) => first.Number == second.Number ? first.Number : -1;

    /// <summary>Whether the call's scope is still open after the handler awaited.</summary>
    private static async Task<bool> ScopedAfterAsync(int ms, [FromServices] IScoped scoped, CancellationToken cancellation, [FromServices] Tracker tracker)
    {
        await Task.Delay(ms, cancellation);
        return tracker.Disposed < scoped.Number;
    }

    private static void Touch([FromServices] IScoped scoped, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _ = scoped.Number;
        }
    }

    private static async Task TouchLaterAsync([FromServices] IScoped scoped)
    {
        await Task.Yield();
        _ = scoped.Number;
    }

    private static ValueTask TouchValueTask([FromServices] IScoped scoped) => ValueTask.CompletedTask;

    private static ValueTask<int> ScopedValue([FromServices] IScoped scoped, int add) => ValueTask.FromResult(scoped.Number + add);

    private static string ScopedWhoAmI(AuthRequired<string> auth, [FromServices] IScoped scoped) => $"{auth.Value} {scoped.Number}";

    /// <summary>A stream whose scope stays open until its last item.</summary>
    private static async IAsyncEnumerable<string> ScopedCount(int n, [FromServices] IScoped scoped, [FromServices] Tracker tracker)
    {
        for (var i = 0; i < n; i++)
        {
            await Task.Yield();
            yield return $"{scoped.Number}.{i} open={tracker.Disposed < scoped.Number}";
        }
    }

    private static async Task<IAsyncEnumerable<int>> ScopedCountLaterAsync([FromServices] IScoped scoped, int n)
    {
        await Task.Yield();
        return AsyncEnumerable.Range(scoped.Number * 100, n);
    }

    /// <summary>How many scoped instances were made and disposed so far.</summary>
    private static int[] Disposed([FromServices] Tracker tracker) => [tracker.Created, tracker.Disposed];
}
