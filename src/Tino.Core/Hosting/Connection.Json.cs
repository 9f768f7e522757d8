using System.Buffers;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Hosting;

/// <summary>
/// <c>TINO.JSON</c> and <c>TINO.CODEC json</c>: arguments given as JSON text are converted to MessagePack by the
/// parameters' shapes and run through the command's own compiled pipeline, so every error is the one a MessagePack
/// call gets; a successful reply is converted back to compact JSON text.
/// </summary>
internal sealed partial class Connection
{
    private readonly RespArguments _jsonArguments = new();
    private readonly ArrayBufferWriter<byte> _jsonArgumentBytes = new(256);
    private CommandContext? _jsonContext;
    private bool _jsonCodec;

    /// <summary>TINO.CODEC json|msgpack.</summary>
    private void SwitchCodec()
    {
        if (_arguments.Is(0, "JSON"u8) || _arguments.Is(0, "MSGPACK"u8))
        {
            _jsonCodec = _arguments.Is(0, "JSON"u8);
            RespWriter.WriteOk(_output);
        }
        else
        {
            RespWriter.WriteError(_output, "ERR"u8, $"unknown codec '{_arguments.GetText(0)}': use json or msgpack");
        }
    }

    /// <summary>TINO.JSON &lt;command&gt; &lt;json&gt;...</summary>
    private bool CallWithJson(out ValueTask pending)
    {
        pending = default;
        if (!_app.Commands.TryGet(_arguments[0], out var command))
        {
            RespWriter.WriteError(_output, "INVALID_COMMAND"u8, _arguments.GetText(0));
            return false;
        }
        return CallWithJson(command, firstArgument: 1, out pending);
    }

    /// <summary>Calls <paramref name="command"/> with the JSON arguments from <paramref name="firstArgument"/> on; true with a task to await when the call is still running.</summary>
    private bool CallWithJson(CompiledCommand command, int firstArgument, out ValueTask pending)
    {
        pending = default;
        var context = _jsonContext ??= new CommandContext(Context) { Output = new ArrayBufferWriter<byte>(256), Serializer = _app.Serializer };
        var reply = (ArrayBufferWriter<byte>)context.Output;
        reply.ResetWrittenCount();
        if (!ConvertJsonArguments(command, firstArgument))
        {
            return false;
        }
        context.Command = command.Handler;
        context.Arguments = _jsonArguments;
        var call = command.Pipeline(context);
        if (call.IsCompletedSuccessfully)
        {
            call.GetAwaiter().GetResult();
            WriteJsonReply(reply);
            return false;
        }
        pending = AwaitJsonReply(call, reply);
        return true;
    }

    /// <summary>
    /// Fills <see cref="_jsonArguments"/> with the MessagePack of each JSON argument, or writes INVALID_JSON and returns false.
    /// A call that will be refused before its arguments are read (no auth, a wrong count) gets them as they came.
    /// </summary>
    private bool ConvertJsonArguments(CompiledCommand command, int firstArgument)
    {
        _jsonArguments.Clear();
        var count = _arguments.Count - firstArgument;
        if (count != command.WireArity || (command.RequiresAuth && !Context.IsAuthenticated))
        {
            for (var i = firstArgument; i < _arguments.Count; i++)
            {
                _jsonArguments.Add(_arguments[i]);
            }
            return true;
        }
        var parameters = AppSchema.WireParameters(command.Handler);
        Span<int> ends = count <= 64 ? stackalloc int[count] : new int[count];
        _jsonArgumentBytes.ResetWrittenCount();
        for (var i = 0; i < count; i++)
        {
            var parameter = parameters[i];
            if (!JsonToMessagePack.TryConvert(_arguments[firstArgument + i], WireShape.Of(parameter.Type), _jsonArgumentBytes, _app.App.Options.MaxNestingDepth, out var error))
            {
                RespWriter.WriteError(_output, "INVALID_JSON"u8, CommandError.InvalidJson(parameter.Name, error).Detail);
                return false;
            }
            ends[i] = _jsonArgumentBytes.WrittenCount;
        }
        var converted = _jsonArgumentBytes.WrittenMemory;
        for (var i = 0; i < count; i++)
        {
            var start = i == 0 ? 0 : ends[i - 1];
            _jsonArguments.Add(new ReadOnlySequence<byte>(converted[start..ends[i]]));
        }
        return true;
    }

    private async ValueTask AwaitJsonReply(ValueTask call, ArrayBufferWriter<byte> reply)
    {
        await call.ConfigureAwait(false);
        WriteJsonReply(reply);
    }

    /// <summary>
    /// Copies the call's reply to the connection: a MessagePack bulk string as a JSON one, an array of them (a stream
    /// called plainly) as one JSON array, anything else (an error) as it is.
    /// </summary>
    private void WriteJsonReply(ArrayBufferWriter<byte> reply)
    {
        var frame = reply.WrittenMemory;
        if (frame.Span[0] is not ((byte)'$' or (byte)'*'))
        {
            _output.Write(frame.Span);
            return;
        }
        var json = new ArrayBufferWriter<byte>(frame.Length * 2 + 16);
        try
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(frame));
            if (RespReplyParser.TryRead(ref reader, out var parsed, out _) != RespStatus.Complete)
            {
                throw new InvalidDataException("the reply is not one RESP frame");
            }
            if (parsed.Kind == RespReplyKind.Array)
            {
                json.Write("["u8);
                for (var i = 0; i < parsed.Items.Count; i++)
                {
                    json.Write(i == 0 ? ""u8 : ","u8);
                    MessagePackToJson.Convert(new ReadOnlySequence<byte>(parsed.Items[i].Bytes), json);
                }
                json.Write("]"u8);
            }
            else
            {
                MessagePackToJson.Convert(new ReadOnlySequence<byte>(parsed.Bytes), json);
            }
        }
        catch (Exception error) when (error is MessagePack.MessagePackSerializationException or InvalidDataException or InvalidOperationException or EndOfStreamException)
        {
            var errorId = Guid.NewGuid().ToString("N")[..12];
            ServerLog.JsonReplyFailed(_logger, Id, errorId, error);
            RespWriter.WriteError(_output, "UNEXPECTED_ERROR"u8, TinoException.JsonQuote($"the reply could not be written as JSON (error id {errorId})"));
            return;
        }
        RespWriter.WriteBulkString(_output, json.WrittenSpan);
    }
}
