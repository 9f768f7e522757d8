using System.Buffers;
using System.IO.Pipelines;
using Tino.Pipeline;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Hosting;

/// <summary>
/// <c>TINO.JSON</c> and <c>TINO.CODEC json</c>: arguments given as JSON text are converted to MessagePack by the
/// parameters' shapes and run through the command's own compiled pipeline, so every error is the one a MessagePack
/// call gets; a successful reply is converted back to compact JSON text.
/// </summary>
internal sealed class JsonCalls(Session session)
{
    private readonly RespArguments _jsonArguments = new();
    private readonly ArrayBufferWriter<byte> _jsonArgumentBytes = new(256);
    private CommandContext? _jsonContext;

    private PipeWriter Output => session.Output;

    /// <summary>The built-in TINO.CODEC json|msgpack.</summary>
    public static ValueTask SwitchCodec(Session session, RespArguments arguments)
    {
        if (arguments.Is(0, "JSON"u8) || arguments.Is(0, "MSGPACK"u8))
        {
            session.UsesJson = arguments.Is(0, "JSON"u8);
            RespWriter.WriteOk(session.Output);
        }
        else
        {
            RespWriter.WriteError(session.Output, "ERR", $"unknown codec '{arguments.GetText(0)}': use json or msgpack");
        }
        return default;
    }

    /// <summary>The built-in TINO.JSON &lt;command&gt; &lt;json&gt;...</summary>
    public static ValueTask CallNamed(Session session, RespArguments arguments)
    {
        if (session.Commands.FindApp(arguments[0]) is not { } command)
        {
            RespWriter.WriteError(session.Output, ErrorCodes.InvalidCommand, arguments.GetText(0));
            return default;
        }
        return session.Json.Call(command, arguments, firstArgument: 1);
    }

    /// <summary>Calls <paramref name="command"/> with the JSON arguments from <paramref name="firstArgument"/> on.</summary>
    public ValueTask Call(CompiledCommand command, RespArguments arguments, int firstArgument)
    {
        var context = _jsonContext ??= session.NewContext(new ArrayBufferWriter<byte>(256));
        var reply = (ArrayBufferWriter<byte>)context.Output;
        reply.ResetWrittenCount();
        if (!ConvertJsonArguments(command, arguments, firstArgument))
        {
            return default;
        }
        context.Command = command.Handler;
        context.Arguments = _jsonArguments;
        var call = command.Pipeline(context);
        if (call.IsCompletedSuccessfully)
        {
            call.GetAwaiter().GetResult();
            WriteJsonReply(reply);
            return default;
        }
        return AwaitJsonReply(call, reply);
    }

    /// <summary>
    /// Fills <see cref="_jsonArguments"/> with the MessagePack of each JSON argument, or writes INVALID_JSON and returns false.
    /// A call that will be refused before its arguments are read (no auth, a wrong count) gets them as they came.
    /// </summary>
    private bool ConvertJsonArguments(CompiledCommand command, RespArguments arguments, int firstArgument)
    {
        _jsonArguments.Clear();
        var count = arguments.Count - firstArgument;
        if (count != command.WireArity || (command.RequiresAuth && !session.Context.IsAuthenticated))
        {
            for (var i = firstArgument; i < arguments.Count; i++)
            {
                _jsonArguments.Add(arguments[i]);
            }
            return true;
        }
        var parameters = AppSchema.WireParameters(command.Handler);
        Span<int> ends = count <= 64 ? stackalloc int[count] : new int[count];
        _jsonArgumentBytes.ResetWrittenCount();
        for (var i = 0; i < count; i++)
        {
            var parameter = parameters[i];
            if (!JsonToMessagePack.TryConvert(arguments[firstArgument + i], WireShape.Of(parameter.Type), _jsonArgumentBytes, session.App.App.Options.MaxNestingDepth, out var error))
            {
                RespWriter.WriteError(Output, ErrorCodes.InvalidJson, CommandError.InvalidJson(parameter.Name, error).Detail);
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
            Output.Write(frame.Span);
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
            ServerLog.JsonReplyFailed(session.Logger, session.Id, errorId, error);
            RespWriter.WriteError(Output, ErrorCodes.UnexpectedError, TinoException.JsonQuote($"the reply could not be written as JSON (error id {errorId})"));
            return;
        }
        RespWriter.WriteBulkString(Output, json.WrittenSpan);
    }
}
