using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using MessagePack;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>Decodes one wire argument into the call's frame, or raises the protocol's error for it.</summary>
internal abstract class ArgumentBinder
{
    public abstract void Bind(CommandContext context, int position);

    /// <summary>Refuses an argument that is not exactly one well-formed MessagePack value within the nesting limit.</summary>
    protected static void RequireWellFormed(in ReadOnlySequence<byte> bytes, int maxDepth, string name, string expectedType)
    {
        if (!MessagePackCheck.IsWellFormed(bytes, maxDepth, out var fault))
        {
            throw fault.Kind == MessagePackFaultKind.Malformed
                ? CommandError.InvalidMsgPack(name, fault.Message)
                : CommandError.Validation(name, [], fault.Message, expectedType);
        }
    }

    /// <summary>The binder for <paramref name="parameter"/>, of a type known only at run time (see <see cref="Create{T}"/>).</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public static ArgumentBinder Create(CommandParameter parameter, MessagePackSerializerOptions options, int maxDepth) =>
        (ArgumentBinder)typeof(ArgumentBinder).GetMethod(nameof(Create), 1, [typeof(CommandParameter), typeof(MessagePackSerializerOptions), typeof(int)])!
            .MakeGenericMethod(parameter.Type).Invoke(null, [parameter, options, maxDepth])!;

    /// <summary>
    /// The binder for <paramref name="parameter"/>, of type <typeparamref name="T"/>: one with a fast path for a
    /// primitive type whose formatter in <paramref name="options"/> is the built-in one, the general one otherwise.
    /// </summary>
    public static ArgumentBinder Create<T>(CommandParameter parameter, MessagePackSerializerOptions options, int maxDepth) =>
        BorrowedArgumentBinders.For(parameter, maxDepth)
        ?? (typeof(T).IsValueType && PrimitiveCodec.FormatOf<T>(options) is not (PrimitiveFormat.None or PrimitiveFormat.Bytes or PrimitiveFormat.Raw)
            ? new PrimitiveArgumentBinder<T>(parameter, options, maxDepth)
            : new ArgumentBinder<T>(parameter, options, maxDepth));
}

internal class ArgumentBinder<T>(CommandParameter parameter, MessagePackSerializerOptions options, int maxDepth) : ArgumentBinder
{
    private readonly string _name = parameter.Name;
    private readonly bool _acceptsNil = parameter.AcceptsNil;

    public override void Bind(CommandContext context, int position)
    {
        var bytes = context.Arguments[position];
        RequireWellFormed(bytes, maxDepth, _name, WireTypeNames.Of(typeof(T)));
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

/// <summary>
/// A primitive argument (an integer, <see cref="bool"/>, <see cref="float"/> or <see cref="double"/>) whose formatter
/// is the built-in one: read straight from its span when it is one value of a format that fits, and by the general
/// path, with its checks and its errors, otherwise.
/// </summary>
internal sealed class PrimitiveArgumentBinder<T>(CommandParameter parameter, MessagePackSerializerOptions options, int maxDepth)
    : ArgumentBinder<T>(parameter, options, maxDepth)
{
    public override void Bind(CommandContext context, int position)
    {
        var bytes = context.Arguments[position];
        if (bytes.IsSingleSegment && PrimitiveCodec.TryDecode(bytes.FirstSpan, out T value))
        {
            context.Frame.Set(position, value);
            return;
        }
        base.Bind(context, position);
    }
}
