using System.Buffers;
using Tino.Hosting.Commands;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Benchmarks;

/// <summary>One app's compiled commands, with the reused context and reply buffer a connection keeps.</summary>
internal sealed class PipelineCaller
{
    private readonly AppPipeline _app;
    private readonly ServerCommands _commands;
    private readonly RespLimits _limits;
    private readonly RespArguments _arguments;
    private readonly ArrayBufferWriter<byte> _output = new(256);
    private readonly CommandContext _context;

    public PipelineCaller(TinoApp app, RespLimits limits, RespArguments arguments)
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
