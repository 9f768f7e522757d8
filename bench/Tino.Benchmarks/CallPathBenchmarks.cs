using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tino.Protocol;

namespace Tino.Benchmarks;

/// <summary>
/// One <c>ADD 1 2</c> call through the server's whole path without sockets, as Connection runs it with calls one
/// after another: parse the request, find the command, run its compiled pipeline (error boundary, argument decoding,
/// handler, result encoding) with the connection's reused context, its reply written into a reused buffer.
/// The "0 bytes allocated per add(int,int) call" target is read off this benchmark.
/// </summary>
[MemoryDiagnoser]
public class CallPathBenchmarks
{
    private readonly byte[] _request = Requests.Add;
    private readonly RespLimits _limits = RespLimits.Default;
    private readonly RespArguments _arguments = new();
    private readonly ArrayBufferWriter<byte> _output = new(256);
    private AppPipeline _app = null!;
    private CommandContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = AppPipeline.Build(Requests.AddApp);
        _context = new CommandContext(new ConnectionContext(null, CancellationToken.None))
        {
            Output = _output,
            Serializer = _app.Serializer,
        };
        Requests.Expect(Add() == Requests.AddReply.Length, "ADD 1 2 replies");
        Requests.Expect(_output.WrittenSpan.SequenceEqual(Requests.AddReply), "the reply is $1\\r\\n\\x03\\r\\n");
    }

    /// <summary>Parse, look up, run; returns the reply's length.</summary>
    [Benchmark]
    public int Add()
    {
        _output.ResetWrittenCount();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_request));
        if (RespRequestParser.TryRead(ref reader, _limits, _arguments, out var header, out _) != RespStatus.Complete
            || !_app.Commands.TryGet(header.Name, out var command))
        {
            return -1;
        }
        _context.Command = command.Handler;
        _context.Arguments = _arguments;
        var reply = command.Pipeline(_context);
        if (!reply.IsCompletedSuccessfully)
        {
            return -1;
        }
        reply.GetAwaiter().GetResult();
        return _output.WrittenCount;
    }
}
