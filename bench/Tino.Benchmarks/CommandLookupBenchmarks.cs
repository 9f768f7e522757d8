using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tino.Hosting.Commands;
using Tino.Pipeline;

namespace Tino.Benchmarks;

/// <summary>Finding a command from the request's name bytes in a server's table: an app of 20 commands and the built-ins.</summary>
[MemoryDiagnoser]
public class CommandLookupBenchmarks
{
    // Twenty names, some sharing their length and first letter (ABS, ADD, AVG), as a real app's would.
    private static readonly string[] s_names =
    [
        "abs", "add", "avg", "ceil", "count", "div", "exp", "floor", "get", "incr",
        "len", "max", "min", "mod", "mul", "neg", "pow", "set", "sqrt", "sub",
    ];

    private readonly ServerCommands _commands = BuildCommands();
    private readonly ReadOnlySequence<byte> _name = new("ADD"u8.ToArray());

    [GlobalSetup]
    public void Setup()
    {
        Requests.Expect(_commands.All.Count(command => command.App is not null) == s_names.Length, "the app has 20 commands");
        Requests.Expect(FindAdd(), "ADD is found");
    }

    /// <summary>The lookup the server does for each request, with the name as the parser slices it.</summary>
    [Benchmark]
    public bool FindAdd() => _commands.Find(_name) is not null;

    private static ServerCommands BuildCommands() =>
        new(AppPipeline.Build(s_names.Aggregate(TinoApp.Empty, (app, name) => app.WithCommand(name, (int a, int b) => a + b))));
}
