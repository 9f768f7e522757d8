using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tino.CSharp.TestKit;

/// <summary>A service as an abstract class, registered nowhere.</summary>
public abstract class Clock
{
    /// <summary>The time.</summary>
    public abstract DateTimeOffset Now();
}

/// <summary>A class whose constructor takes a service: a service itself.</summary>
public sealed class NoteStore(IMissing missing)
{
    /// <summary>Whether it has its service.</summary>
    public bool Ready => missing is not null;
}

/// <summary>A class with nothing a caller's value could fill: a service, not data.</summary>
public sealed class Tally
{
    private int _count;

    /// <summary>The count so far.</summary>
    public int Count => _count;

    /// <summary>Counts one.</summary>
    public int Next() => Interlocked.Increment(ref _count);
}

/// <summary>A data class with settable members: an argument.</summary>
public sealed class Filter
{
    /// <summary>Text to find.</summary>
    public string Text { get; set; } = "";

    /// <summary>How many at most.</summary>
    public int Limit { get; init; }
}

/// <summary>Handler parameters the builder must refuse, and data parameters it must keep on the wire.</summary>
public static class ParameterMistakes
{
    /// <summary>
    /// Each mistake: what it is, the command and parameter the message names, a phrase of its advice, whether it is a
    /// service taken for data (whose message shows how to register one), and the build that fails.
    /// </summary>
    public static IReadOnlyList<(string Mistake, string Command, string Parameter, string Advice, bool Service, Func<TinoApp> Build)> All { get; } =
    [
        ("an interface without a container", "list", "notes", "not registered", true, () => TinoApp.CreateBuilder().Command("list", (IMissing notes, int page) => page).Build()),
        ("an interface the container lacks", "list", "notes", "AddSingleton<IMissing, Missing>()", true, () => WithContainer().Command("list", (int page, IMissing notes) => page).Build()),
        ("a framework service the container lacks", "log", "logger", "ILogger<Tally>", true, () => WithContainer().Command("log", (ILogger<Tally> logger, string text) => text).Build()),
        ("an abstract class", "now", "clock", "an abstract class", true, () => TinoApp.CreateBuilder().Command("now", (Clock clock) => clock.Now()).Build()),
        ("a class whose constructor takes a service", "notes", "store", "its constructor takes IMissing", true, () => WithContainer().Command("notes", (NoteStore store) => store.Ready).Build()),
        ("a disposable class", "fetch", "http", "disposable", true, () => TinoApp.CreateBuilder().Command("fetch", (HttpClient http, string url) => url).Build()),
        ("a class with nothing to fill", "count", "counter", "no public settable property", true, () => TinoApp.CreateBuilder().Command("count", (Tally counter) => counter.Next()).Build()),
        ("a function", "apply", "callback", "Publisher", false, () => TinoApp.CreateBuilder().Command("apply", (Func<int, int> callback, int n) => callback(n)).Build()),
        ("a stream", "upload", "content", "ReadOnlyMemory<byte>", false, () => TinoApp.CreateBuilder().Command("upload", (Stream content) => content.Length).Build()),
        ("a task", "later", "value", "take the value itself", false, () => TinoApp.CreateBuilder().Command("later", async (Task<int> value) => await value).Build()),
        ("an async sequence", "sum", "items", "return IAsyncEnumerable<T>", false, () => TinoApp.CreateBuilder().Command("sum", (IAsyncEnumerable<int> items) => 0).Build()),
        ("a cancellation source", "wait", "source", "CancellationToken", false, () => TinoApp.CreateBuilder().Command("wait", (CancellationTokenSource source) => 0).Build()),
    ];

    /// <summary>An app whose parameters are data of every kind a class parameter may be, plus a registered service; it builds.</summary>
    public static TinoApp DataParameters() =>
        WithContainer()
            .Command("find", (Filter filter) => filter.Text)
            .Command("first", (Greeting greeting) => greeting.Text)
            .Command("total", (IReadOnlyList<int> items, IDictionary<string, int> weights) => items.Count + weights.Count)
            .Command("any", (object? value, byte[] bytes) => bytes.Length)
            .Command("greet", (Tracker tracker, string name) => name)
            .Build();

    private static TinoAppBuilder WithContainer() =>
        TinoApp.CreateBuilder().UseServices(new ServiceCollection().AddSingleton<Tracker>().BuildServiceProvider());
}
