using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// <see cref="object"/> as any value. Input is decoded by MessagePack-CSharp's primitive object formatter (integers,
/// floats, strings, byte arrays, <c>object[]</c>, <c>Dictionary&lt;object, object&gt;</c>, <see cref="DateTime"/>);
/// output is written by the formatter of the value's runtime type, so a record returned as <c>object</c> is a map.
/// A runtime type that no formatter serves but that is a dictionary or a sequence (an F# <c>dict</c>, a LINQ query)
/// is written through that interface.
/// </summary>
internal sealed class AnyFormatter : IMessagePackFormatter<object?>
{
    public static readonly AnyFormatter Instance = new();

    private static readonly ConcurrentDictionary<(IFormatterResolver Resolver, Type Type), BoxedWriter> s_writers = new();
    private static readonly MethodInfo s_writeMethod = typeof(AnyFormatter).GetMethod(nameof(WriteBoxed), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_servesMethod = typeof(AnyFormatter).GetMethod(nameof(Serves), BindingFlags.NonPublic | BindingFlags.Static)!;

    private delegate void BoxedWriter(ref MessagePackWriter writer, object value, MessagePackSerializerOptions options);

    public void Serialize(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var type = value.GetType();
        if (type == typeof(object))
        {
            writer.WriteMapHeader(0);
            return;
        }

        if (!TryWriteDecoded(ref writer, value, options))
        {
            var write = s_writers.GetOrAdd((options.Resolver, type), static key => CreateWriter(key.Resolver, key.Type));
            write(ref writer, value, options);
        }
    }

    /// <summary>
    /// Writes the types that decoding makes (and the other primitives) through formatters named here, so echoing a
    /// value needs no generic method made at run time, which Native AOT cannot make.
    /// </summary>
    private static bool TryWriteDecoded(ref MessagePackWriter writer, object value, MessagePackSerializerOptions options)
    {
        switch (value)
        {
            case bool item: Write<bool>(ref writer, item, options); return true;
            case byte item: Write<byte>(ref writer, item, options); return true;
            case sbyte item: Write<sbyte>(ref writer, item, options); return true;
            case short item: Write<short>(ref writer, item, options); return true;
            case ushort item: Write<ushort>(ref writer, item, options); return true;
            case int item: Write<int>(ref writer, item, options); return true;
            case uint item: Write<uint>(ref writer, item, options); return true;
            case long item: Write<long>(ref writer, item, options); return true;
            case ulong item: Write<ulong>(ref writer, item, options); return true;
            case float item: Write<float>(ref writer, item, options); return true;
            case double item: Write<double>(ref writer, item, options); return true;
            case string item: Write<string>(ref writer, item, options); return true;
            case byte[] item: Write<byte[]>(ref writer, item, options); return true;
            case object[] item: Write<object[]>(ref writer, item, options); return true;
            case Dictionary<object, object> item: Write<Dictionary<object, object>>(ref writer, item, options); return true;
            case DateTime item: Write<DateTime>(ref writer, item, options); return true;
            default: return false;
        }
    }

    public object? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        PrimitiveObjectFormatter.Instance.Deserialize(ref reader, options);

    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Serves<T> and WriteBoxed<T> ask nothing of T that the trimmer could remove.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "What decoding makes is written without it (TryWriteDecoded); under Native AOT another runtime type is written through shared code when it is a class, and fails when it is a struct nothing else wrote.")]
    private static BoxedWriter CreateWriter(IFormatterResolver resolver, Type type)
    {
        var wireType = type;
        if (!(bool)s_servesMethod.MakeGenericMethod(type).Invoke(null, [resolver])!)
        {
            wireType = WireTypeNames.FindGeneric(type, typeof(IDictionary<,>))
                ?? WireTypeNames.FindGeneric(type, typeof(IReadOnlyDictionary<,>))
                ?? WireTypeNames.FindGeneric(type, typeof(IEnumerable<>))
                ?? type;
        }

        return s_writeMethod.MakeGenericMethod(wireType).CreateDelegate<BoxedWriter>();
    }

    private static bool Serves<T>(IFormatterResolver resolver)
    {
        try
        {
            return resolver.GetFormatter<T>() is not null;
        }
        catch (FormatterNotRegisteredException)
        {
            return false;
        }
    }

    private static void Write<T>(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options) =>
        options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, value, options);

    private static void WriteBoxed<T>(ref MessagePackWriter writer, object value, MessagePackSerializerOptions options) =>
        options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, (T)value, options);
}
