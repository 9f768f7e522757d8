using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// Reads the elements of arrays and maps so that a failure is located: the element's index or key is put in front
/// of the error's path as it unwinds. Nothing is allocated unless an element fails.
/// </summary>
internal static class Elements
{
    /// <summary>Reads the array element at <paramref name="index"/>.</summary>
    public static T ReadAt<T>(IMessagePackFormatter<T> formatter, ref MessagePackReader reader, MessagePackSerializerOptions options, int index)
    {
        var code = reader.NextCode;
        try
        {
            return formatter.Deserialize(ref reader, options);
        }
        catch (TinoValidationException error)
        {
            error.PrependPath(index);
            throw;
        }
        catch (Exception error) when (DecodeFailure.IsDecodeFailure(error))
        {
            throw DecodeFailure.ToValidation(error, typeof(T), code).PrependPath(index);
        }
    }

    /// <summary>Reads the map value stored under <paramref name="key"/>.</summary>
    public static TValue ReadValueOf<TKey, TValue>(IMessagePackFormatter<TValue> formatter, ref MessagePackReader reader, MessagePackSerializerOptions options, TKey key)
    {
        var code = reader.NextCode;
        try
        {
            return formatter.Deserialize(ref reader, options);
        }
        catch (TinoValidationException error)
        {
            Locate(error, key);
            throw;
        }
        catch (Exception error) when (DecodeFailure.IsDecodeFailure(error))
        {
            throw Locate(DecodeFailure.ToValidation(error, typeof(TValue), code), key);
        }
    }

    /// <summary>Reads a map key, which must not be nil.</summary>
    public static TKey ReadKey<TKey>(IMessagePackFormatter<TKey> formatter, ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var code = reader.NextCode;
        TKey key;
        try
        {
            key = formatter.Deserialize(ref reader, options);
        }
        catch (Exception error) when (error is not TinoValidationException && DecodeFailure.IsDecodeFailure(error))
        {
            throw DecodeFailure.ToValidation(error, typeof(TKey), code);
        }

        return key ?? throw new TinoValidationException("nil is not allowed as a map key", WireTypeNames.Of(typeof(TKey)));
    }

    /// <summary>Adds a map key to the front of the error's path: strings and integers as they are, other keys as text.</summary>
    public static TinoValidationException Locate<TKey>(TinoValidationException error, TKey key) => key switch
    {
        null => error,
        string text => error.PrependPath(text),
        _ when AsInt32(key) is { } number => error.PrependPath(number),
        _ => error.PrependPath(key.ToString() ?? string.Empty),
    };

    private static int? AsInt32(object key) => key switch
    {
        int value => value,
        short value => value,
        ushort value => value,
        sbyte value => value,
        byte value => value,
        long value when value is >= int.MinValue and <= int.MaxValue => (int)value,
        uint value when value <= int.MaxValue => (int)value,
        ulong value when value <= int.MaxValue => (int)value,
        _ => null,
    };
}
