using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>A member of type <typeparamref name="TMember"/>: typed accessors (compiled or generated), no reflection per call.</summary>
internal sealed class ObjectMemberOf<T, TState, TMember> : ObjectMember<T, TState>
    where TState : struct
{
    private readonly MemberGetter<T, TMember> _get;
    private readonly SlotSetter<TState, TMember>? _store;
    private readonly MemberAssigner<T, TState>? _assign;
    private readonly bool _rejectNil;
    private Resolved? _resolved;

    public ObjectMemberOf(
        string wireName,
        bool isRequired,
        bool rejectNil,
        MemberGetter<T, TMember> get,
        SlotSetter<TState, TMember>? store,
        MemberAssigner<T, TState>? assign)
        : base(wireName, typeof(TMember), isRequired, assign is not null)
    {
        _get = get;
        _store = store;
        _assign = assign;
        _rejectNil = rejectNil;
    }

    internal override bool IsDecoded => _store is not null;

    internal override void Write(ref MessagePackWriter writer, ref T value, MessagePackSerializerOptions options) =>
        FormatterFor(options.Resolver).Serialize(ref writer, _get(ref value), options);

    internal override void Read(ref MessagePackReader reader, ref TState state, MessagePackSerializerOptions options)
    {
        if (_store is null)
        {
            reader.Skip();
            return;
        }

        var code = reader.NextCode;
        if (_rejectNil && code == MessagePackCode.Nil)
        {
            throw new TinoValidationException("nil is not allowed", ExpectedType, [Name]);
        }

        TMember value;
        try
        {
            value = FormatterFor(options.Resolver).Deserialize(ref reader, options);
        }
        catch (TinoValidationException error)
        {
            error.PrependPath(Name);
            throw;
        }
        catch (Exception error) when (DecodeFailure.IsDecodeFailure(error))
        {
            throw DecodeFailure.ToValidation(error, typeof(TMember), code).PrependPath(Name);
        }

        _store(ref state, value);
    }

    internal override void Assign(ref T target, ref TState state) => _assign!(ref target, ref state);

    /// <summary>
    /// The member's formatter from <paramref name="resolver"/>, remembered for the last resolver seen: a reference
    /// comparison instead of a generic interface dispatch per member per call.
    /// </summary>
    private IMessagePackFormatter<TMember> FormatterFor(IFormatterResolver resolver)
    {
        var resolved = _resolved;
        if (resolved is not null && ReferenceEquals(resolved.Resolver, resolver))
        {
            return resolved.Formatter;
        }

        var formatter = resolver.GetFormatterWithVerify<TMember>();
        _resolved = new Resolved(resolver, formatter);
        return formatter;
    }

    private sealed record Resolved(IFormatterResolver Resolver, IMessagePackFormatter<TMember> Formatter);
}
