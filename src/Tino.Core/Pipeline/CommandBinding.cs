using System.ComponentModel;
using MessagePack;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// Binds a command without reflection: given what the app's server decides (its publisher, its MessagePack options),
/// returns the delegate that reads the call's arguments, runs the handler and writes its reply. Tino's C# source
/// generator writes one for each <c>Command(name, handler)</c> it can see (<see cref="CommandHandler.Binder"/>); a
/// command without one is bound from its delegate by reflection, to the same effect.
/// </summary>
public delegate CommandDelegate CommandBinder(CommandBinding binding);

/// <summary>
/// What a <see cref="CommandBinder"/> binds with: its handler's wire arguments, in order (<see cref="Argument{T}"/>),
/// its magic values, and the writers of its reply. Each call is checked against the handler's record, so a binder that
/// does not match its handler fails when the app is built, not when it serves.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CommandBinding
{
    private readonly MessagePackSerializerOptions _serializer;
    private readonly StreamOptions _streams;
    private readonly int _maxDepth;
    private readonly CommandParameter[] _wire;
    private readonly List<ArgumentBinder> _binders = [];

    internal CommandBinding(CommandHandler handler, Publisher publisher, StreamOptions streams, MessagePackSerializerOptions serializer, int maxDepth)
    {
        Handler = handler;
        Publisher = publisher;
        _streams = streams;
        _serializer = serializer;
        _maxDepth = maxDepth;
        _wire = [.. handler.Parameters.Where(p => p.Source == ParameterSource.Wire)];
    }

    /// <summary>The command being bound; its <see cref="CommandHandler.Invoke"/> is the handler to call.</summary>
    public CommandHandler Handler { get; }

    /// <summary>The server's publisher of events, for a <see cref="Tino.Publisher"/> parameter.</summary>
    public Publisher Publisher { get; }

    /// <summary>The decoders of the wire arguments, one per call of <see cref="Argument{T}"/>.</summary>
    internal IReadOnlyList<ArgumentBinder> Binders => _binders;

    /// <summary>The next wire argument: decoded as <typeparamref name="T"/> before the handler runs, read with <see cref="WireArgument{T}.Get"/>.</summary>
    /// <exception cref="TinoBuildException">The handler has no more wire parameters, or the next one is not a <typeparamref name="T"/>.</exception>
    public WireArgument<T> Argument<T>()
    {
        var position = _binders.Count;
        if (position >= _wire.Length || _wire[position].Type != typeof(T))
        {
            throw Mismatch($"wire argument {position} as {typeof(T)}");
        }
        var parameter = _wire[position];
        if (WireParameterCheck.Refusal<T>(_serializer) is { } refusal)
        {
            throw new TinoBuildException(Handler.Name, $"parameter '{parameter.Name}' of type {WireParameterCheck.Display(parameter.Type)} {refusal}");
        }
        RequireFormatter<T>($"parameter '{parameter.Name}'");
        _binders.Add(ArgumentBinder.Create<T>(parameter, _serializer, _maxDepth));
        return new WireArgument<T>(position);
    }

    /// <summary>The writer of a reply of type <typeparamref name="T"/>, the handler's result with any task unwrapped.</summary>
    public ReplyWriter<T> Reply<T>()
    {
        if (StreamShape.ReplyType(Handler.ResultType) != typeof(T) || Handler.StreamItemType is not null)
        {
            throw Mismatch($"a reply of {typeof(T)}");
        }
        RequireFormatter<T>("the result");
        return new ReplyWriter<T>(PrimitiveCodec.FormatOf<T>(_serializer));
    }

    /// <summary>The writer of a stream of <typeparamref name="T"/> items, whole or through a cursor.</summary>
    public StreamWriter<T> Stream<T>()
    {
        if (Handler.StreamItemType != typeof(T))
        {
            throw Mismatch($"a stream of {typeof(T)}");
        }
        RequireFormatter<T>("the stream's items");
        return new StreamWriter<T>(_streams);
    }

    /// <summary>The call's <see cref="Tino.CallContext"/>.</summary>
    public CallContext CallContext(CommandContext context) => new(context, Publisher);

    /// <summary>The auth value of the call's connection; the call is refused before it gets here when there is none.</summary>
    public static AuthRequired<T> AuthRequired<T>(CommandContext context) => MagicValues.AuthRequired<T>(context);

    /// <summary>The auth value of the call's connection, when it has one.</summary>
    public static Auth<T> Auth<T>(CommandContext context) => MagicValues.Auth<T>(context);

    /// <summary>The connection's private state.</summary>
    public static ConnState<T> ConnState<T>(CommandContext context) => MagicValues.ConnState<T>(context);

    /// <summary>Replies nil, for a handler that returns nothing.</summary>
    public static ValueTask Nil(CommandContext context) => ResultWriter.Nil(context);

    /// <summary>Replies nil once <paramref name="task"/> completes.</summary>
    public static ValueTask Nil(CommandContext context, Task task) => ResultWriter.Task(context, task);

    /// <summary>Replies nil once <paramref name="task"/> completes.</summary>
    public static ValueTask Nil(CommandContext context, ValueTask task) => ResultWriter.ValueTask(context, task);

    /// <summary>Checks, once, that the last wire argument was bound.</summary>
    internal void CheckComplete()
    {
        if (_binders.Count != _wire.Length)
        {
            throw Mismatch($"{_wire.Length} wire arguments, not {_binders.Count}");
        }
    }

    private void RequireFormatter<T>(string what)
    {
        try
        {
            if (_serializer.Resolver.GetFormatter<T>() is null)
            {
                throw new TinoBuildException(Handler.Name, $"{what} of type {typeof(T)} has no MessagePack formatter.");
            }
        }
        catch (Exception error) when (error is not TinoBuildException)
        {
            throw new TinoBuildException(Handler.Name, $"{what} of type {typeof(T)} cannot be serialized: {error.Message}");
        }
    }

    private TinoBuildException Mismatch(string asked) =>
        new(Handler.Name, $"the command's binder asked for {asked}, which its handler {Handler} does not take; build the project again so that its generated binder matches.");
}

/// <summary>A decoded wire argument of the call: <see cref="Get"/> it in the handler's call.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class WireArgument<T>
{
    private readonly int _slot;

    internal WireArgument(int slot) => _slot = slot;

    /// <summary>The argument's value in this call.</summary>
    public T Get(CommandContext context) => context.Frame.Get<T>(_slot);
}

/// <summary>Writes a handler's result as the call's reply.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ReplyWriter<T>
{
    private readonly PrimitiveFormat _format;

    internal ReplyWriter(PrimitiveFormat format) => _format = format;

    /// <summary>Replies <paramref name="value"/>.</summary>
    public ValueTask Write(CommandContext context, T value) => ResultWriter.Value(context, value, _format);

    /// <summary>Replies the task's result once it completes.</summary>
    public ValueTask Write(CommandContext context, Task<T> task) => ResultWriter.TaskOf(context, task, _format);

    /// <summary>Replies the task's result once it completes.</summary>
    public ValueTask Write(CommandContext context, ValueTask<T> task) => ResultWriter.ValueTaskOf(context, task, _format);
}

/// <summary>Serves a stream command's items: one array when called plainly, a cursor through <c>ITER</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamWriter<T>
{
    private readonly StreamOptions _options;

    internal StreamWriter(StreamOptions options) => _options = options;

    /// <summary>Serves <paramref name="items"/>.</summary>
    public ValueTask Write(CommandContext context, IAsyncEnumerable<T> items) => StreamReplies.Stream(context, items, _options);

    /// <summary>Serves the stream once the task gives it.</summary>
    public ValueTask Write(CommandContext context, Task<IAsyncEnumerable<T>> pending) => StreamReplies.StreamTask(context, pending, _options);

    /// <summary>Serves the stream once the task gives it.</summary>
    public ValueTask Write(CommandContext context, ValueTask<IAsyncEnumerable<T>> pending) => StreamReplies.StreamValueTask(context, pending, _options);
}
