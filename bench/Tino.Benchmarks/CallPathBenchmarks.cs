using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tino.Hosting.Commands;
using Tino.Pipeline;
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
    private Caller _add = null!;
    private Caller _echo = null!;

    [GlobalSetup]
    public void Setup()
    {
        _add = new Caller(Requests.AddApp, _limits, _arguments);
        _echo = new Caller(Requests.EchoApp, _limits, _arguments);
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

    /// <summary>One app's compiled commands, with the reused context and reply buffer a connection keeps.</summary>
    private sealed class Caller
    {
        private readonly AppPipeline _app;
        private readonly ServerCommands _commands;
        private readonly RespLimits _limits;
        private readonly RespArguments _arguments;
        private readonly ArrayBufferWriter<byte> _output = new(256);
        private readonly CommandContext _context;

        public Caller(TinoApp app, RespLimits limits, RespArguments arguments)
        {
            _app = AppPipeline.Build(app);
            _commands = new ServerCommands(_app);
            _limits = limits;
            _arguments = arguments;
            _context = new CommandContext(new ConnectionContext(null, CancellationToken.None))
            {
                Output = _output,
                Serializer = _app.Serializer,
            };
        }

        public ReadOnlySpan<byte> Reply => _output.WrittenSpan;

        /// <summary>Parse, look up, run; returns the reply's length, or -1 when the call did not complete.</summary>
        public int Call(byte[] request)
        {
            _output.ResetWrittenCount();
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(request));
            if (RespRequestParser.TryRead(ref reader, _limits, _arguments, out var header, out _) != RespStatus.Complete
                || _commands.FindApp(header.Name) is not { } command)
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
}
