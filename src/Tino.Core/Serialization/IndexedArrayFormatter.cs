using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary><c>T[]</c> (other than <c>byte[]</c>, which is bin) as an array; a bad element is located at its index.</summary>
internal sealed class IndexedArrayFormatter<T> : IMessagePackFormatter<T[]?>
{
    public void Serialize(ref MessagePackWriter writer, T[]? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var formatter = options.Resolver.GetFormatterWithVerify<T>();
        writer.WriteArrayHeader(value.Length);
        foreach (var item in value)
        {
            formatter.Serialize(ref writer, item, options);
        }
    }

    public T[]? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var count = reader.ReadArrayHeader();
        var formatter = options.Resolver.GetFormatterWithVerify<T>();
        options.Security.DepthStep(ref reader);
        try
        {
            var array = count == 0 ? [] : new T[count];
            for (var i = 0; i < count; i++)
            {
                array[i] = Elements.ReadAt(formatter, ref reader, options, i);
            }

            return array;
        }
        finally
        {
            reader.Depth--;
        }
    }
}
