using System.ComponentModel;
using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// One case of a <see cref="UnionAttribute"/> union as Tino's union formatter writes it, <c>[tag, value]</c>: found by
/// reflection, or listed by the code that Tino.Generators writes through <see cref="GeneratedFormatters.Case{T, TCase}"/>.
/// </summary>
/// <typeparam name="T">The union's base type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class UnionCase<T>
    where T : class
{
    private protected UnionCase(int tag, Type type)
    {
        Tag = tag;
        Type = type;
    }

    internal int Tag { get; }

    internal Type Type { get; }

    internal abstract void Write(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options);

    internal abstract T? Read(ref MessagePackReader reader, MessagePackSerializerOptions options);
}

/// <summary>The case of type <typeparamref name="TCase"/>, written and read by its own formatter.</summary>
internal sealed class UnionCaseOf<T, TCase>(int tag) : UnionCase<T>(tag, typeof(TCase))
    where T : class
    where TCase : T
{
    internal override void Write(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options) =>
        options.Resolver.GetFormatterWithVerify<TCase>().Serialize(ref writer, (TCase)value, options);

    internal override T? Read(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        options.Resolver.GetFormatterWithVerify<TCase>().Deserialize(ref reader, options);
}
