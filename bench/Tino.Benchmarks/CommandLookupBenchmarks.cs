using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tino.Pipeline;

namespace Tino.Benchmarks;

/// <summary>Finding a command from the request's name bytes in an app of 20 commands.</summary>
[MemoryDiagnoser]
public class CommandLookupBenchmarks
{
    // Twenty names, some sharing their length and first letter (ABS, ADD, AVG), as a real app's would.
    private static readonly string[] s_names =
    [
        "abs", "add", "avg", "ceil", "count", "div", "exp", "floor", "get", "incr",
        "len", "max", "min", "mod", "mul", "neg", "pow", "set", "sqrt", "sub",
    ];

    private readonly CommandTable<CompiledCommand> _commands = BuildCommands();
    private readonly ReadOnlySequence<byte> _name = new("ADD"u8.ToArray());

    [GlobalSetup]
    public void Setup()
    {
        Requests.Expect(_commands.Count == s_names.Length, "the app has 20 commands");
        Requests.Expect(FindAdd(), "ADD is found");
    }

    /// <summary>The lookup the server does for each request, with the name as the parser slices it.</summary>
    [Benchmark]
    public bool FindAdd() => _commands.TryGet(_name, out _);

    private static CommandTable<CompiledCommand> BuildCommands() =>
        AppPipeline.Build(s_names.Aggregate(TinoApp.Empty, (app, name) => app.WithCommand(name, (int a, int b) => a + b))).Commands;
}
