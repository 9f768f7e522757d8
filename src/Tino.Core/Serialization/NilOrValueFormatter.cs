using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// <see cref="Nullable{T}"/>: nil, or the value through the options' resolver. MessagePack-CSharp's built-in resolver
/// binds <c>DateTime?</c>, <c>double?</c> and <c>char?</c> to its own inner formatters; this one keeps Tino's.
/// </summary>
internal sealed class NilOrValueFormatter<T> : IMessagePackFormatter<T?>
    where T : struct
{
    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        if (value is { } present)
        {
            options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, present, options);
        }
        else
        {
            writer.WriteNil();
        }
    }

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.TryReadNil() ? null : options.Resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options);
}
