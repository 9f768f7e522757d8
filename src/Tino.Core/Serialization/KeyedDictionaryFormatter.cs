using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// <c>Dictionary&lt;K,V&gt;</c>, <c>IDictionary&lt;K,V&gt;</c> and <c>IReadOnlyDictionary&lt;K,V&gt;</c> as a map. Input
/// becomes a <c>Dictionary&lt;K,V&gt;</c> with the options' (hash-collision-resistant) key comparer; a bad value is
/// located at its key; a repeated key or a nil key is an error.
/// </summary>
internal sealed class KeyedDictionaryFormatter<TDictionary, TKey, TValue> : IMessagePackFormatter<TDictionary?>
    where TDictionary : class, IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : notnull
{
    /// <summary>Room reserved before any entry is read: a count from untrusted input is not trusted with memory.</summary>
    private const int MaxInitialCapacity = 1024;

    public void Serialize(ref MessagePackWriter writer, TDictionary? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var keyFormatter = options.Resolver.GetFormatterWithVerify<TKey>();
        var valueFormatter = options.Resolver.GetFormatterWithVerify<TValue>();
        IEnumerable<KeyValuePair<TKey, TValue>> entries = value;
        var count = value switch
        {
            ICollection<KeyValuePair<TKey, TValue>> collection => collection.Count,
            IReadOnlyCollection<KeyValuePair<TKey, TValue>> collection => collection.Count,
            _ => -1,
        };
        if (count < 0)
        {
            var buffered = value.ToArray();
            (entries, count) = (buffered, buffered.Length);
        }

        writer.WriteMapHeader(count);
        foreach (var (key, item) in entries)
        {
            keyFormatter.Serialize(ref writer, key, options);
            valueFormatter.Serialize(ref writer, item, options);
        }
    }

    public TDictionary? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var count = reader.ReadMapHeader();
        var keyFormatter = options.Resolver.GetFormatterWithVerify<TKey>();
        var valueFormatter = options.Resolver.GetFormatterWithVerify<TValue>();
        options.Security.DepthStep(ref reader);
        try
        {
            var dictionary = new Dictionary<TKey, TValue>(Math.Min(count, MaxInitialCapacity), options.Security.GetEqualityComparer<TKey>());
            for (var i = 0; i < count; i++)
            {
                var key = Elements.ReadKey(keyFormatter, ref reader, options);
                var item = Elements.ReadValueOf(valueFormatter, ref reader, options, key);
                if (!dictionary.TryAdd(key, item))
                {
                    throw Elements.Locate(new TinoValidationException("duplicate key", WireTypeNames.Of(typeof(TValue))), key);
                }
            }

            return (TDictionary)(object)dictionary;
        }
        finally
        {
            reader.Depth--;
        }
    }
}
