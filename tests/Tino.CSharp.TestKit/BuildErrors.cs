using Microsoft.Extensions.DependencyInjection;

namespace Tino.CSharp.TestKit;

/// <summary>A contract that is not an interface.</summary>
public class NotAnInterface
{
    /// <summary>m</summary>
    public int Method() => 1;
}

/// <summary>A contract with a property.</summary>
public interface IWithProperty
{
    /// <summary>p</summary>
    int Value { get; }
}

/// <summary>A contract with a generic method.</summary>
public interface IWithGeneric
{
    /// <summary>g</summary>
    T Echo<T>(T value);
}

/// <summary>A contract whose overloads share a command name.</summary>
public interface IWithOverloads
{
    /// <summary>o</summary>
    int Get(int id);

    /// <summary>o</summary>
    int Get(string name);
}

/// <summary>Builders that must fail, each building one mistake; the tests check the error names the command.</summary>
public static class BuildErrors
{
    /// <summary>Every mistake, by a short description.</summary>
    public static IReadOnlyList<(string Mistake, string Command, Func<TinoApp> Build)> All { get; } =
    [
        ("a duplicate name (case-insensitive)", "ADD", () => TinoApp.CreateBuilder().Command("add", (int a) => a).Command("ADD", (int a) => a).Build()),
        ("a reserved name", "ping", () => TinoApp.CreateBuilder().Command("ping", () => 1).Build()),
        ("a name with a space", "two words", () => TinoApp.CreateBuilder().Command("two words", () => 1).Build()),
        ("a parameter with no formatter", "bad", () => TinoApp.CreateBuilder().Command("bad", (Action callback) => 1).Build()),
        ("AuthRequired without an auth function", "whoami", () => TinoApp.CreateBuilder().Command("whoami", (AuthRequired<string> auth) => auth.Value).Build()),
        ("Auth without an auth function", "maybe", () => TinoApp.CreateBuilder().Command("maybe", (Auth<string> auth) => auth.Value).Build()),
        ("AuthRequired of another type than the auth function's", "whoami", () => TinoApp.CreateBuilder().UseAuth<int>(_ => 1).Command("whoami", (AuthRequired<string> auth) => auth.Value).Build()),
        ("ConnState without a state factory", "counter", () => TinoApp.CreateBuilder().Command("counter", (ConnState<int> n) => ++n.Value).Build()),
        ("ConnState of another type than the factory's", "counter", () => TinoApp.CreateBuilder().UseConnectionState(() => "x").Command("counter", (ConnState<int> n) => ++n.Value).Build()),
        ("a service without a service provider", "greet", () => TinoApp.CreateBuilder().Command("greet", ([FromServices] Greeting g) => g.Text).Build()),
        ("a service the container lacks", "greet", () => TinoApp.CreateBuilder().UseServices(new ServiceCollection().BuildServiceProvider()).Command("greet", ([FromServices] Greeting g) => g.Text).Build()),
        ("a keyed service the container lacks", "greet", () => TinoApp.CreateBuilder().UseServices(ServiceApps.Container()).Command("greet", ([FromKeyedServices("nope")] Greeting g) => g.Text).Build()),
        ("a mapped service without a service provider", "add", () => TinoApp.CreateBuilder().MapService<IScientific>().Build()),
        ("a mapped service the container lacks", "add", () => TinoApp.CreateBuilder().UseServices(new ServiceCollection().BuildServiceProvider()).MapService<IScientific>().Build()),
        ("a contract that is not an interface", "NotAnInterface", () => TinoApp.CreateBuilder().MapService(new NotAnInterface()).Build()),
        ("a contract with a property", "IWithProperty.Value", () => TinoApp.CreateBuilder().MapService<IWithProperty>(new WithProperty()).Build()),
        ("a contract with a generic method", "echo", () => TinoApp.CreateBuilder().MapService<IWithGeneric>(new WithGeneric()).Build()),
        ("a contract whose overloads share a name", "get", () => TinoApp.CreateBuilder().MapService<IWithOverloads>(new WithOverloads()).Build()),
        ("a contract method clashing with a command", "add", () => TinoApp.CreateBuilder().Command("add", (int a) => a).MapService<IScientific>(new Calculator(new Tracker())).Build()),
    ];

    /// <summary>Changes a builder after it has built; throws.</summary>
    public static void ChangeAfterBuild(string change)
    {
        var builder = TinoApp.CreateBuilder().Command("one", () => 1);
        builder.Build();
        _ = change switch
        {
            "command" => builder.Command("two", () => 2),
            "auth" => builder.UseAuth(Handlers.Authenticate),
            "state" => builder.UseConnectionState(() => 0),
            "middleware" => builder.Use((context, next) => next(context)),
            "options" => builder.ConfigureOptions(o => o),
            "service" => builder.MapService<IScientific>(new Calculator(new Tracker())),
            _ => builder.OnStartup(_ => Task.CompletedTask),
        };
    }

    /// <summary>Whether building twice gives the same app.</summary>
    public static bool BuildTwiceIsSame()
    {
        var builder = TinoApp.CreateBuilder().Command("one", () => 1);
        return ReferenceEquals(builder.Build(), builder.Build());
    }

    private sealed class WithProperty : IWithProperty
    {
        public int Value => 1;
    }

    private sealed class WithGeneric : IWithGeneric
    {
        public T Echo<T>(T value) => value;
    }

    private sealed class WithOverloads : IWithOverloads
    {
        public int Get(int id) => id;

        public int Get(string name) => name.Length;
    }
}
