using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Tino.Protocol;

namespace Tino.Benchmarks;

/// <summary>
/// What a service parameter costs per call: <c>tally 1</c> through the server's whole path without sockets (as
/// <see cref="CallPathBenchmarks"/>), its handler taking a scoped service resolved from a fresh scope of the container
/// that is disposed after the call, bound by Tino's generated code and by reflection, against the same handler over
/// one instance it captured.
/// </summary>
[MemoryDiagnoser]
public class ServiceCallBenchmarks
{
    private static readonly byte[] s_tally = Requests.Call("tally", MessagePack.MessagePackSerializer.Serialize(1));

    private readonly RespLimits _limits = RespLimits.Default;
    private readonly RespArguments _arguments = new();
    private ServiceProvider _services = null!;
    private PipelineCaller _captured = null!;
    private PipelineCaller _generated = null!;
    private PipelineCaller _reflected = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddScoped<Tally>().BuildServiceProvider();
        var one = new Tally();
        _captured = new PipelineCaller(TinoApp.CreateBuilder().Command("tally", (int n) => one.Add(n)).Build(), _limits, _arguments);
        _generated = new PipelineCaller(TinoApp.CreateBuilder().UseServices(_services).Command("tally", ([FromServices] Tally tally, int n) => tally.Add(n)).Build(), _limits, _arguments);
        Delegate byReflection = ([FromServices] Tally tally, int n) => tally.Add(n);    // in a variable: the generator leaves it to reflection
        _reflected = new PipelineCaller(TinoApp.CreateBuilder().UseServices(_services).Command("tally", byReflection).Build(), _limits, _arguments);
        foreach (var (caller, name) in new[] { (_captured, "captured"), (_generated, "generated"), (_reflected, "reflected") })
        {
            Requests.Expect(caller.Call(s_tally) > 0 && caller.Reply.SequenceEqual(Requests.Bulk(MessagePack.MessagePackSerializer.Serialize(1))), $"{name}: tally 1 replies 1");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>The handler over one instance it captured: no scope.</summary>
    [Benchmark(Baseline = true)]
    public int Captured() => _captured.Call(s_tally);

    /// <summary>The handler's <c>[FromServices]</c> parameter resolved per call by the generated binding.</summary>
    [Benchmark]
    public int Generated() => _generated.Call(s_tally);

    /// <summary>The same handler given as a <see cref="Delegate"/>, bound by reflection (compiled expressions).</summary>
    [Benchmark]
    public int Reflected() => _reflected.Call(s_tally);

    /// <summary>A scoped service: made in each call's scope.</summary>
    public sealed class Tally
    {
        /// <summary>The count it was given: the work is the resolution, not this.</summary>
        public int Add(int n) => n;
    }
}
