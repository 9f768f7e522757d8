using MessagePack;
using Tino.Serialization;

namespace Tino;

/// <summary>Decodes one wire argument into the call's frame, or raises the protocol's error for it.</summary>
internal abstract class ArgumentBinder
{
    public abstract void Bind(CommandContext context, int position);

    public static ArgumentBinder Create(CommandParameter parameter, MessagePackSerializerOptions options, int maxDepth) =>
        (ArgumentBinder)Activator.CreateInstance(
            typeof(ArgumentBinder<>).MakeGenericType(parameter.Type), parameter, options, maxDepth)!;
}

internal sealed class ArgumentBinder<T>(CommandParameter parameter, MessagePackSerializerOptions options, int maxDepth) : ArgumentBinder
{
    private readonly string _name = parameter.Name;
    private readonly bool _acceptsNil = parameter.AcceptsNil;

    public override void Bind(CommandContext context, int position)
    {
        var bytes = context.Arguments[position];
        if (!MessagePackCheck.IsWellFormed(bytes, maxDepth, out var fault))
        {
            throw fault.Kind == MessagePackFaultKind.Malformed
                ? CommandError.InvalidMsgPack(_name, fault.Message)
                : CommandError.Validation(_name, [], fault.Message, WireTypeNames.Of(typeof(T)));
        }
        T value;
        try
        {
            value = ArgumentCodec.Decode<T>(bytes, options);
        }
        catch (TinoValidationException e)
        {
            throw CommandError.Validation(_name, e.Path, e.Message, e.ExpectedType);
        }
        if (value is null && !_acceptsNil)
        {
            throw CommandError.Validation(_name, [], "nil is not allowed", WireTypeNames.Of(typeof(T)));
        }
        context.Frame.Set(position, value);
    }
}
