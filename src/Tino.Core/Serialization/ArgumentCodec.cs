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
}
