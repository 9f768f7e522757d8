namespace Tino.CSharp.TestKit;

/// <summary>One handler of every shape, as the same delegates, so an app built with the builder and one built with Tino.Core alone can be compared.</summary>
public static class Handlers
{
    /// <summary>A lambda marked idempotent, as C# lets a lambda carry an attribute.</summary>
    public static Func<int, int> IdempotentGet { get; } = [Idempotent] (int id) => id;

    /// <summary>The last value the void handlers saw.</summary>
    public static int Seen { get; private set; }

    /// <summary>Every handler with its command name, in registration order.</summary>
    public static IReadOnlyList<(string Name, Delegate Handler)> All { get; } =
    [
        ("add", (int a, int b) => (long)a + b),
        ("void", (int n) => { Seen = n; }),
        ("task", async (int n) => { await Task.Yield(); Seen = n; }),
        ("task_of", async (int a, int b) => { await Task.Yield(); return a * b; }),
        ("value_task", (int n) => { Seen = n; return ValueTask.CompletedTask; }),
        ("value_task_of", (string s) => new ValueTask<int>(s.Length)),
        ("static_method", (Func<string[], string>)Join),
        ("instance_method", (Func<string, string>)new Greeter("hello").Greet),
        ("nullable", (string? s, int? n) => $"{s ?? "nil"}/{n?.ToString() ?? "nil"}"),
        ("magic_anywhere", (int a, AuthRequired<string> who, ConnState<int> calls, string suffix, CancellationToken cancellation, Auth<string> maybe) =>
            $"{who.Value}:{++calls.Value}:{a}{suffix}:{maybe.HasValue}:{cancellation.CanBeCanceled}"),
        ("maybe_whoami", (Auth<string> auth) => auth.Value),
        ("counter", (ConnState<int> calls) => ++calls.Value),
        ("sleep", async (int ms, CancellationToken cancellation) => { await Task.Delay(ms, cancellation); return ms; }),
        ("fail", (string code, string message) => { throw new TinoException(code, message); }),
    ];

    /// <summary>The auth function both apps use.</summary>
    public static string? Authenticate(string password) => password == "tinaspassword" ? "tina" : null;

    /// <summary>The app built with the fluent builder.</summary>
    public static TinoApp BuilderApp()
    {
        var builder = TinoApp.CreateBuilder().UseAuth(Authenticate).UseConnectionState(() => 0);
        foreach (var (name, handler) in All)
        {
            builder.Command(name, handler);
        }
        return builder.Build();
    }

    /// <summary>The same app built with Tino.Core's record alone.</summary>
    public static TinoApp CoreApp() =>
        All.Aggregate(
            TinoApp.Empty.WithAuth(AuthHandler.Create<string>(Authenticate)).WithState(ConnectionStateFactory.Create(() => 0)),
            (app, command) => app.WithCommand(command.Name, command.Handler));

    /// <summary>A static method used as a method group.</summary>
    public static string Join(string[] parts) => string.Join("+", parts);

    /// <summary>A class whose instance method is used as a method group.</summary>
    public sealed class Greeter(string greeting)
    {
        /// <summary>Greets.</summary>
        public string Greet(string name) => $"{greeting} {name}";
    }
}
