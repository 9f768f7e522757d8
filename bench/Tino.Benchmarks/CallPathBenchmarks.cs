using BenchmarkDotNet.Attributes;
using Tino.Protocol;

namespace Tino.Benchmarks;

/// <summary>
/// One call through the server's whole path without sockets, as Connection runs it with calls one after another:
/// parse the request, find the command, run its compiled pipeline (error boundary, argument decoding, handler, result
/// encoding) with the connection's reused context, its reply written into a reused buffer. <c>ADD 1 2</c>, and
/// <c>echo_bin</c> of a 16 KiB bin with the bytes borrowed (<c>ReadOnlyMemory&lt;byte&gt;</c>) or copied
/// (<c>byte[]</c>). The "0 bytes allocated per add(int,int) call" and "0 bytes per borrowed-bytes call" targets are
/// read off this benchmark.
/// </summary>
[MemoryDiagnoser]
public class CallPathBenchmarks
{
    private const int PayloadBytes = 16 * 1024;

    private readonly RespLimits _limits = RespLimits.Default;
    private readonly RespArguments _arguments = new();
    private readonly byte[] _echoBorrowed = Requests.Call("echo_bin", Requests.Bin(PayloadBytes));
    private readonly byte[] _echoArray = Requests.Call("echo_array", Requests.Bin(PayloadBytes));
    private PipelineCaller _add = null!;
    private PipelineCaller _echo = null!;

    [GlobalSetup]
    public void Setup()
    {
        _add = new PipelineCaller(Requests.AddApp, _limits, _arguments);
        _echo = new PipelineCaller(Requests.EchoApp, _limits, _arguments);
        Requests.Expect(Add() == Requests.AddReply.Length, "ADD 1 2 replies");
        Requests.Expect(_add.Reply.SequenceEqual(Requests.AddReply), "the reply is $1\\r\\n\\x03\\r\\n");
        var echoed = Requests.Bulk(Requests.Bin(PayloadBytes));
        Requests.Expect(EchoBinBorrowed() == echoed.Length && _echo.Reply.SequenceEqual(echoed), "echo_bin replies its argument");
        Requests.Expect(EchoBinArray() == echoed.Length && _echo.Reply.SequenceEqual(echoed), "echo_array replies its argument");
    }

    /// <summary>ADD 1 2: parse, look up, run; returns the reply's length.</summary>
    [Benchmark]
    public int Add() => _add.Call(Requests.Add);

    /// <summary>echo_bin of a 16 KiB bin, the handler taking and returning the request's own bytes.</summary>
    [Benchmark]
    public int EchoBinBorrowed() => _echo.Call(_echoBorrowed);

    /// <summary>The same through a handler of <c>byte[]</c>: the argument copied into a new array.</summary>
    [Benchmark]
    public int EchoBinArray() => _echo.Call(_echoArray);
}
