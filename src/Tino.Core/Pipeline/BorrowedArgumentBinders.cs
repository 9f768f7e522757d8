using System.Buffers;
using MessagePack;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// Arguments a handler borrows from the request instead of copying: <see cref="ReadOnlyMemory{T}"/> and
/// <see cref="ReadOnlySequence{T}"/> of bytes (a <c>bin</c>'s payload) and <see cref="RawMessagePack"/> (the value as
/// sent). They point into the connection's receive buffer, which the connection keeps until the call has completed,
/// async or not; the handler must not keep them past the call. A <c>ReadOnlyMemory</c> of an argument that arrived in
/// several buffer segments (over TLS) is the one case that copies.
/// </summary>
internal static class BorrowedArgumentBinders
{
    /// <summary>The binder for a borrowed type, or null for any other type.</summary>
    public static ArgumentBinder? For(CommandParameter parameter, int maxDepth) =>
        parameter.Type == typeof(ReadOnlyMemory<byte>) ? new BorrowedMemoryBinder(parameter)
        : parameter.Type == typeof(ReadOnlySequence<byte>) ? new BorrowedSequenceBinder(parameter)
        : parameter.Type == typeof(RawMessagePack) ? new RawMessagePackBinder(parameter, maxDepth)
        : null;

    /// <summary>The payload of the one <c>bin</c> value in <paramref name="argument"/>, or the validation error that says why not.</summary>
    public static ReadOnlySequence<byte> BinPayload(in ReadOnlySequence<byte> argument, string name)
    {
        var reader = new MessagePackReader(argument);
        ReadOnlySequence<byte>? payload;
        try
        {
            payload = reader.NextMessagePackType == MessagePackType.Binary ? reader.ReadBytes() : null;
        }
        catch (EndOfStreamException)
        {
            throw CommandError.InvalidMsgPack(name, "truncated value");
        }
        if (payload is null)
        {
            throw CommandError.Validation(name, [], $"expected bin, got {DecodeFailure.KindOf(argument.FirstSpan[0])}", "bin");
        }
        if (!reader.End)
        {
            throw CommandError.InvalidMsgPack(name, "more than one value");
        }
        return payload.Value;
    }
}

internal sealed class BorrowedMemoryBinder(CommandParameter parameter) : ArgumentBinder
{
    private readonly string _name = parameter.Name;

    public override void Bind(CommandContext context, int position)
    {
        var payload = BorrowedArgumentBinders.BinPayload(context.Arguments[position], _name);
        context.Frame.Set(position, payload.IsSingleSegment ? payload.First : payload.ToArray());
    }
}

internal sealed class BorrowedSequenceBinder(CommandParameter parameter) : ArgumentBinder
{
    private readonly string _name = parameter.Name;

    public override void Bind(CommandContext context, int position) =>
        context.Frame.Set(position, BorrowedArgumentBinders.BinPayload(context.Arguments[position], _name));
}

internal sealed class RawMessagePackBinder(CommandParameter parameter, int maxDepth) : ArgumentBinder
{
    private readonly string _name = parameter.Name;

    public override void Bind(CommandContext context, int position)
    {
        var bytes = context.Arguments[position];
        RequireWellFormed(bytes, maxDepth, _name, "any");
        context.Frame.Set(position, new RawMessagePack(bytes.IsSingleSegment ? bytes.First : bytes.ToArray()));
    }
}
