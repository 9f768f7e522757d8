using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// <c>List&lt;T&gt;</c> and the sequence interfaces (<c>IEnumerable&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>,
/// <c>IReadOnlyList&lt;T&gt;</c>, <c>ICollection&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>) as an array; a bad element is
/// located at its index. Input becomes a <c>List&lt;T&gt;</c>, which every one of those types accepts.
/// </summary>
internal sealed class IndexedSequenceFormatter<TSequence, T> : IMessagePackFormatter<TSequence?>
    where TSequence : class, IEnumerable<T>
{
    public void Serialize(ref MessagePackWriter writer, TSequence? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var formatter = options.Resolver.GetFormatterWithVerify<T>();
        IEnumerable<T> items = value;
        var count = value switch
        {
            ICollection<T> collection => collection.Count,
            IReadOnlyCollection<T> collection => collection.Count,
            _ => -1,
        };
        if (count < 0)
        {
            var buffered = value.ToArray();
            (items, count) = (buffered, buffered.Length);
        }

        writer.WriteArrayHeader(count);
        foreach (var item in items)
        {
            formatter.Serialize(ref writer, item, options);
        }
    }

    public TSequence? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
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
            var list = new List<T>(count);
            for (var i = 0; i < count; i++)
            {
                list.Add(Elements.ReadAt(formatter, ref reader, options, i));
            }

            return (TSequence)(object)list;
        }
        finally
        {
            reader.Depth--;
        }
    }
}
