using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// Decodes arguments and encodes results with the resolved formatters, straight from and into the pipeline's
/// buffers. Any decoding failure comes out as a <see cref="TinoValidationException"/>.
/// </summary>
internal static class ArgumentCodec
{
    private static readonly ConcurrentDictionary<Type, Func<ReadOnlySequence<byte>, MessagePackSerializerOptions, object?>> s_decoders = new();
    private static readonly ConcurrentDictionary<Type, Action<IBufferWriter<byte>, object?, MessagePackSerializerOptions>> s_encoders = new();

    /// <summary>
    /// Decodes one value of type <typeparamref name="T"/> from <paramref name="bytes"/>, which
    /// <see cref="MessagePackCheck.IsWellFormed"/> has already accepted. Reads the sequence in place; allocates
    /// nothing beyond the value itself.
    /// </summary>
    /// <exception cref="TinoValidationException">The value does not fit <typeparamref name="T"/>.</exception>
    /// <exception cref="FormatterNotRegisteredException">No formatter serves <typeparamref name="T"/> (a programming error, not bad input).</exception>
    public static T Decode<T>(in ReadOnlySequence<byte> bytes, MessagePackSerializerOptions options)
    {
        var formatter = options.Resolver.GetFormatterWithVerify<T>();
        var reader = new MessagePackReader(bytes);
        var code = MessagePackCode.NeverUsed;
        try
        {
            code = reader.NextCode;
            return formatter.Deserialize(ref reader, options);
        }
        catch (Exception error) when (DecodeFailure.IsDecodeFailure(error))
        {
            throw DecodeFailure.ToValidation(error, typeof(T), code);
        }
    }

    /// <summary>Encodes <paramref name="value"/> into <paramref name="writer"/>.</summary>
    public static void Encode<T>(IBufferWriter<byte> writer, T value, MessagePackSerializerOptions options)
    {
        var messagePack = new MessagePackWriter(writer);
        options.Resolver.GetFormatterWithVerify<T>().Serialize(ref messagePack, value, options);
        messagePack.Flush();
    }

    /// <summary>A cached delegate that decodes <paramref name="type"/> and boxes it, for build-time and cold paths.</summary>
    public static Func<ReadOnlySequence<byte>, MessagePackSerializerOptions, object?> BoxedDecoder(Type type) =>
        s_decoders.GetOrAdd(type, static t => Generic(nameof(DecodeBoxed), t).CreateDelegate<Func<ReadOnlySequence<byte>, MessagePackSerializerOptions, object?>>());

    /// <summary>A cached delegate that encodes a boxed value of <paramref name="type"/>, for build-time and cold paths.</summary>
    public static Action<IBufferWriter<byte>, object?, MessagePackSerializerOptions> BoxedEncoder(Type type) =>
        s_encoders.GetOrAdd(type, static t => Generic(nameof(EncodeBoxed), t).CreateDelegate<Action<IBufferWriter<byte>, object?, MessagePackSerializerOptions>>());

    private static object? DecodeBoxed<T>(ReadOnlySequence<byte> bytes, MessagePackSerializerOptions options) => Decode<T>(bytes, options);

    private static void EncodeBoxed<T>(IBufferWriter<byte> writer, object? value, MessagePackSerializerOptions options) => Encode(writer, (T)value!, options);

    private static MethodInfo Generic(string name, Type type) =>
        typeof(ArgumentCodec).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
}
