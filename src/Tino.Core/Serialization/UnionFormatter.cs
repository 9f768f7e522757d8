using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MessagePack.Formatters;
using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// A type marked with MessagePack's <see cref="UnionAttribute"/>s as <c>[tag, value]</c>, the shape F# unions
/// take too (PROTOCOL.md 6b). Unlike MessagePack-CSharp's own union formatter, an unknown tag or a wrong
/// shape is a located validation error, worded as the F# front words it, so both fronts reply alike.
/// </summary>
internal sealed class UnionFormatter<T> : IMessagePackFormatter<T?>
    where T : class
{
    private readonly FrozenDictionary<int, UnionCase<T>> _byTag;
    private readonly FrozenDictionary<Type, UnionCase<T>> _byType;
    private string? _typeName;

    /// <summary>The cases that <typeparamref name="T"/>'s <see cref="UnionAttribute"/>s name, found by reflection.</summary>
    [RequiresDynamicCode(ReflectionBinding.Formatters)]
    public UnionFormatter()
        : this([.. typeof(T).GetCustomAttributes<UnionAttribute>(inherit: false)
            .Select(union => (UnionCase<T>)Activator.CreateInstance(typeof(UnionCaseOf<,>).MakeGenericType(typeof(T), union.SubType), union.Key)!)])
    {
    }

    /// <summary>The cases given, as generated code lists them.</summary>
    public UnionFormatter(UnionCase<T>[] cases)
    {
        _byTag = cases.ToFrozenDictionary(c => c.Tag);
        _byType = cases.ToFrozenDictionary(c => c.Type);
    }

    private string TypeName => _typeName ??= WireTypeNames.Of(typeof(T));

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
            throw new TinoValidationException($"expected [tag, fields], got {reader.NextMessagePackType.ToString().ToLowerInvariant()}", TypeName);
        }
        var length = reader.ReadArrayHeader();
        options.Security.DepthStep(ref reader);
        try
        {
            if (length != 2)
            {
                throw new TinoValidationException($"expected [tag, fields], got an array of {length}", TypeName);
            }
            if (reader.NextMessagePackType != MessagePackType.Integer)
            {
                throw new TinoValidationException("expected an integer case tag", TypeName, [0]);
            }
            var tag = reader.ReadInt64();
            if (tag is < int.MinValue or > int.MaxValue || !_byTag.TryGetValue((int)tag, out var union))
            {
                throw new TinoValidationException($"unknown case tag {tag} for {TypeName}", TypeName, [0]);
            }
            return union.Read(ref reader, options);
        }
        finally
        {
            reader.Depth--;
        }
    }
}
