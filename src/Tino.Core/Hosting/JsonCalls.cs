using System.Buffers;
using System.IO.Pipelines;
using Tino.Pipeline;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Hosting;

/// <summary>
/// <c>TINO.JSON</c> and <c>TINO.CODEC json</c>: arguments given as JSON text are converted to MessagePack by the
/// parameters' shapes and run through the command's own compiled pipeline, so every error is the one a MessagePack
/// call gets; the context marks the call, so that its result is written as compact JSON text (<see cref="JsonReplies"/>).
/// </summary>
internal sealed class JsonCalls(Session session)
{
    private readonly RespArguments _jsonArguments = new();
    private readonly ArrayBufferWriter<byte> _jsonArgumentBytes = new(256);

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

    /// <summary>Calls <paramref name="command"/> with the JSON arguments from <paramref name="firstArgument"/> on; its result is replied as JSON.</summary>
    public ValueTask Call(CompiledCommand command, RespArguments arguments, int firstArgument)
    {
        if (!ConvertJsonArguments(command, arguments, firstArgument))
        {
            return default;
        }
        var context = session.CallContext;
        context.Command = command.Handler;
        context.Arguments = _jsonArguments;
        context.RepliesJson = true;
        var call = command.Pipeline(context);
        if (call.IsCompletedSuccessfully)
        {
            call.GetAwaiter().GetResult();
            context.RepliesJson = false;
            return default;
        }
        return RepliedAsync(call, context);
    }

    private static async ValueTask RepliedAsync(ValueTask call, CommandContext context)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        finally
        {
            context.RepliesJson = false;
        }
    }

    /// <summary>
    /// Fills <see cref="_jsonArguments"/> with the MessagePack of each JSON argument, or writes INVALID_JSON and returns false.
    /// A call context (the marker, then a JSON object) becomes the marked MessagePack map a MessagePack call sends.
    /// A call that will be refused before its arguments are read (no auth, a wrong count) gets them as they came.
    /// </summary>
    private bool ConvertJsonArguments(CompiledCommand command, RespArguments arguments, int firstArgument)
    {
        _jsonArguments.Clear();
        _jsonArgumentBytes.ResetWrittenCount();
        var maxDepth = session.App.App.Options.MaxNestingDepth;
        var argumentsStart = 0;
        if (arguments.Count > firstArgument && WireContext.IsContext(arguments[firstArgument]))
        {
            _jsonArgumentBytes.GetSpan(1)[0] = WireContext.Marker;
            _jsonArgumentBytes.Advance(1);
            if (!JsonToMessagePack.TryConvert(arguments[firstArgument].Slice(1), ContextShape, _jsonArgumentBytes, maxDepth, out var contextError))
            {
                RespWriter.WriteError(Output, ErrorCodes.InvalidContext, TinoException.JsonQuote($"the context is not JSON: {contextError}"));
                return false;
            }
            argumentsStart = _jsonArgumentBytes.WrittenCount;
            _jsonArguments.Add(new ReadOnlySequence<byte>(_jsonArgumentBytes.WrittenMemory));
            firstArgument++;
        }
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
        for (var i = 0; i < count; i++)
        {
            var parameter = parameters[i];
            if (!JsonToMessagePack.TryConvert(arguments[firstArgument + i], WireShape.Of(parameter.Type), _jsonArgumentBytes, maxDepth, out var error))
            {
                RespWriter.WriteError(Output, ErrorCodes.InvalidJson, CommandError.InvalidJson(parameter.Name, error).Detail);
                return false;
            }
            ends[i] = _jsonArgumentBytes.WrittenCount;
        }
        // Sliced only now: the buffer may have moved while it grew, so the context's slice is taken again too.
        var converted = _jsonArgumentBytes.WrittenMemory;
        if (argumentsStart > 0)
        {
            _jsonArguments.Clear();
            _jsonArguments.Add(new ReadOnlySequence<byte>(converted[..argumentsStart]));
        }
        for (var i = 0; i < count; i++)
        {
            var start = i == 0 ? argumentsStart : ends[i - 1];
            _jsonArguments.Add(new ReadOnlySequence<byte>(converted[start..ends[i]]));
        }
        return true;
    }

    /// <summary>A JSON call context is read as any JSON object, then checked as a MessagePack one.</summary>
    private static WireShape ContextShape => WireShape.Of(typeof(Dictionary<string, object>));
}
