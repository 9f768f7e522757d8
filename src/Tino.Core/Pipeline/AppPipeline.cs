using System.Diagnostics.CodeAnalysis;
using System.Text;
using MessagePack;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// An app compiled for serving: every command's pipeline folded once. Building it is where every mistake in the app
/// surfaces. The server puts the compiled commands in its one command table, beside the built-ins.
/// </summary>
internal sealed class AppPipeline
{
    private AppPipeline(TinoApp app, MessagePackSerializerOptions serializer, IReadOnlyList<CompiledCommand> commands, Publisher publisher)
    {
        App = app;
        Publisher = publisher;
        Serializer = serializer;
        Commands = commands;
        AllCommandsRequireAuth = app.Commands.Length > 0 && app.Commands.All(c => c.RequiresAuth);
    }

    public TinoApp App { get; }

    public MessagePackSerializerOptions Serializer { get; }

    /// <summary>The compiled commands, in the app's order.</summary>
    public IReadOnlyList<CompiledCommand> Commands { get; }

    /// <summary>The server's publisher of events, and through it who subscribes to what.</summary>
    public Publisher Publisher { get; }

    /// <summary>Whether every command needs auth, so that nothing but AUTH is worth reading before it.</summary>
    public bool AllCommandsRequireAuth { get; }

    public static AppPipeline Build(TinoApp app, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Options;
        if (options.MaxNestingDepth < 1 || options.MaxConcurrentCallsPerConnection < 1)
        {
            throw new TinoBuildException(null, "MaxNestingDepth and MaxConcurrentCallsPerConnection must be at least 1.");
        }
        options.Streams.Check();
        options.Events.Check();
        var serializer = options.SerializerOptions ?? TinoMessagePack.CreateOptions(options.MaxNestingDepth);
        var publisher = new Publisher(new Events.EventHub(options.Events), serializer);
        var errorBoundary = PipelineStages.ErrorBoundary(logger ?? NullLogger.Instance, options.ExposeExceptionMessages);
        var compiled = new List<CompiledCommand>(app.Commands.Length);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var handler in app.Commands)
        {
            CheckName(handler.Name);
            CheckSignature(app, handler);
            var (pipeline, binders) = handler.Binder is { } binder
                ? BindGenerated(handler, binder, publisher, options, serializer)
                : BindByReflection(handler, publisher, options, serializer);

            // Folded in reverse onto the handler, so the first stage listed runs first.
            var stages = new List<CommandMiddleware>
            {
                WireContextStage.Read(handler.Name.ToUpperInvariant(), WireContextStage.ServesInScope(app, handler)),
                PipelineStages.Telemetry(handler.Name.ToUpperInvariant()),
                errorBoundary,
            };
            if (handler.RequiresAuth)
            {
                stages.Add(PipelineStages.AuthCheck);
            }
            stages.Add(PipelineStages.DecodeArguments(binders));
            stages.AddRange(app.Middleware);
            if (app.State is { } state && handler.Parameters.Any(p => p.Source is ParameterSource.ConnectionState or ParameterSource.CallContext))
            {
                stages.Add(PipelineStages.ConnectionState(state));
            }
            for (var i = stages.Count - 1; i >= 0; i--)
            {
                pipeline = stages[i](pipeline);
            }
            // Names are ASCII (CheckName), where ignoring case ordinally is what the command table's lookup does.
            if (!names.Add(handler.Name))
            {
                throw new TinoBuildException(handler.Name, "the name is registered twice (names are case-insensitive).");
            }
            compiled.Add(new CompiledCommand(handler, pipeline));
        }
        return new AppPipeline(app, serializer, compiled, publisher);
    }

    private static void CheckName(string name)
    {
        if (name.Length > CommandTable<CompiledCommand>.MaxNameLength || !Ascii.IsValid(name) || name.Any(c => c <= ' ' || c == 127))
        {
            throw new TinoBuildException(name, $"a name must be printable ASCII without spaces, at most {CommandTable<CompiledCommand>.MaxNameLength} characters.");
        }
        if (ReservedNames.All.Contains(name))
        {
            throw new TinoBuildException(name, "the name is reserved for a built-in command.");
        }
    }

    private static void CheckSignature(TinoApp app, CommandHandler handler)
    {
        var method = handler.Invoke.Method;
        var declared = handler.Invoke.GetType().GetMethod("Invoke")!;
        var delegateParameters = declared.GetParameters();
        if (delegateParameters.Length != handler.Parameters.Length
            || delegateParameters.Zip(handler.Parameters).Any(pair => pair.First.ParameterType != pair.Second.Type)
            || declared.ReturnType != handler.ResultType)
        {
            throw new TinoBuildException(handler.Name, $"the parameters and result type described do not match the delegate {method.Name}.");
        }
        foreach (var parameter in handler.Parameters)
        {
            if (parameter.Type.IsByRef || parameter.Type.IsPointer || parameter.Type.ContainsGenericParameters)
            {
                throw new TinoBuildException(handler.Name, $"parameter '{parameter.Name}' of type {parameter.Type} cannot be bound: ref, out, pointer and open generic parameters are not supported.");
            }
            switch (parameter.Source)
            {
                case ParameterSource.AuthRequired or ParameterSource.Auth when app.Auth is null:
                    throw new TinoBuildException(handler.Name, $"parameter '{parameter.Name}' needs an auth value, but the app has no auth function.");
                case ParameterSource.AuthRequired or ParameterSource.Auth when !parameter.ValueType.IsAssignableFrom(app.Auth!.ValueType):
                    throw new TinoBuildException(handler.Name, $"parameter '{parameter.Name}' expects an auth value of type {parameter.ValueType.Name}, but the auth function returns {app.Auth.ValueType.Name}.");
                case ParameterSource.ConnectionState when app.State is null:
                    throw new TinoBuildException(handler.Name, $"parameter '{parameter.Name}' needs connection state, but the app has no state factory.");
                case ParameterSource.ConnectionState when parameter.ValueType != app.State!.StateType:
                    throw new TinoBuildException(handler.Name, $"parameter '{parameter.Name}' is ConnState<{parameter.ValueType.Name}>, but the state factory makes {app.State.StateType.Name}.");
            }
        }
    }

    /// <summary>The handler's last stage and argument decoders, from the binder that Tino's source generator wrote.</summary>
    private static (CommandDelegate, ArgumentBinder[]) BindGenerated(
        CommandHandler handler, CommandBinder binder, Publisher publisher, TinoOptions options, MessagePackSerializerOptions serializer)
    {
        var binding = new CommandBinding(handler, publisher, options.Streams, serializer, options.MaxNestingDepth);
        var bound = binder(binding);
        binding.CheckComplete();
        return (bound, [.. binding.Binders]);
    }

    /// <summary>The handler's last stage and argument decoders, compiled from its delegate and types by reflection.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = ReflectionBinding.FallBack)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = ReflectionBinding.FallBack)]
    private static (CommandDelegate, ArgumentBinder[]) BindByReflection(
        CommandHandler handler, Publisher publisher, TinoOptions options, MessagePackSerializerOptions serializer)
    {
        var binders = handler.Parameters
            .Where(p => p.Source == ParameterSource.Wire)
            .Select(p => BindArgument(handler, p, serializer, options.MaxNestingDepth))
            .ToArray();
        CheckResult(handler, serializer);
        return (HandlerBinder.Compile(handler, publisher, options.Streams, serializer), binders);
    }

    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    private static ArgumentBinder BindArgument(CommandHandler handler, CommandParameter parameter, MessagePackSerializerOptions serializer, int maxDepth)
    {
        if (WireParameterCheck.Refusal(parameter.Type, serializer) is { } refusal)
        {
            throw new TinoBuildException(handler.Name, $"parameter '{parameter.Name}' of type {WireParameterCheck.Display(parameter.Type)} {refusal}");
        }
        RequireFormatter(handler, parameter.Type, serializer, $"parameter '{parameter.Name}'");
        return ArgumentBinder.Create(parameter, serializer, maxDepth);
    }

    private static void CheckResult(CommandHandler handler, MessagePackSerializerOptions serializer)
    {
        var replyType = StreamShape.ReplyType(handler.ResultType);
        if (replyType != typeof(void))
        {
            RequireFormatter(handler, replyType, serializer, "the result");
        }
    }

    private static void RequireFormatter(CommandHandler handler, Type type, MessagePackSerializerOptions serializer, string what)
    {
        try
        {
            if (serializer.Resolver.GetFormatterDynamic(type) is null)
            {
                throw new TinoBuildException(handler.Name, $"{what} of type {type} has no MessagePack formatter.");
            }
        }
        catch (Exception error) when (error is not TinoBuildException)
        {
            throw new TinoBuildException(handler.Name, $"{what} of type {type} cannot be serialized: {error.Message}");
        }
    }
}
