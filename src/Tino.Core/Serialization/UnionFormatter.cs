using System.Collections.Frozen;
using System.Reflection;
using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// A type marked with MessagePack's <see cref="UnionAttribute"/>s as <c>[tag, value]</c>, the shape F# unions
/// take too (PROTOCOL.md 6b). Unlike MessagePack-CSharp's own union formatter, an unknown tag or a wrong
/// shape is a located validation error, worded as the F# front words it, so both fronts reply alike.
/// </summary>
internal sealed class UnionFormatter<T> : IMessagePackFormatter<T?>
    where T : class
{
    private readonly FrozenDictionary<int, Case> _byTag;
    private readonly FrozenDictionary<Type, Case> _byType;
    private readonly string _typeName = WireTypeNames.Of(typeof(T));

    public UnionFormatter()
    {
        var cases = typeof(T).GetCustomAttributes<UnionAttribute>(inherit: false)
            .Select(union => (Case)Activator.CreateInstance(typeof(Case<>).MakeGenericType(typeof(T), union.SubType), union.Key)!)
            .ToArray();
        _byTag = cases.ToFrozenDictionary(c => c.Tag);
        _byType = cases.ToFrozenDictionary(c => c.Type);
    }

    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        if (!_byType.TryGetValue(value.GetType(), out var union))
        {
            throw new MessagePackSerializationException($"{value.GetType().Name} is not a case of the union {typeof(T).Name}.");
        }
        writer.WriteArrayHeader(2);
        writer.Write(union.Tag);
        union.Write(ref writer, value, options);
    }

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            throw new TinoValidationException($"expected [tag, fields], got {reader.NextMessagePackType.ToString().ToLowerInvariant()}", _typeName);
        }
        var length = reader.ReadArrayHeader();
        options.Security.DepthStep(ref reader);
        try
        {
            if (length != 2)
            {
                throw new TinoValidationException($"expected [tag, fields], got an array of {length}", _typeName);
            }
            if (reader.NextMessagePackType != MessagePackType.Integer)
            {
                throw new TinoValidationException("expected an integer case tag", _typeName, [0]);
            }
            var tag = reader.ReadInt64();
            if (tag is < int.MinValue or > int.MaxValue || !_byTag.TryGetValue((int)tag, out var union))
            {
                throw new TinoValidationException($"unknown case tag {tag} for {_typeName}", _typeName, [0]);
            }
            return union.Read(ref reader, options);
        }
        finally
        {
            reader.Depth--;
        }
    }

    private abstract class Case(int tag, Type type)
    {
        public int Tag { get; } = tag;

        public Type Type { get; } = type;

        public abstract void Write(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options);

        public abstract T? Read(ref MessagePackReader reader, MessagePackSerializerOptions options);
    }

    private sealed class Case<TCase>(int tag) : Case(tag, typeof(TCase))
        where TCase : T
    {
        public override void Write(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options) =>
            options.Resolver.GetFormatterWithVerify<TCase>().Serialize(ref writer, (TCase)value, options);

        public override T? Read(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            options.Resolver.GetFormatterWithVerify<TCase>().Deserialize(ref reader, options);
    }
}
