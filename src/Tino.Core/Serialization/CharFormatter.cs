using System.Text;
using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// <see cref="char"/> as a one-character string, as other languages see a character (MessagePack-CSharp's own
/// formatter writes its UTF-16 code as an integer, which is also accepted on input). A lone surrogate is written as
/// U+FFFD, as in any string.
/// </summary>
internal sealed class CharFormatter : IMessagePackFormatter<char>
{
    public static readonly CharFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, char value, MessagePackSerializerOptions options)
    {
        // fixstr header and the character's one to three UTF-8 bytes, straight into the writer's buffer.
        var span = writer.GetSpan(4);
        var rune = Rune.IsValid(value) ? new Rune(value) : Rune.ReplacementChar;
        var length = rune.EncodeToUtf8(span[1..]);
        span[0] = (byte)(MessagePackCode.MinFixStr | length);
        writer.Advance(length + 1);
    }

    public char Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType == MessagePackType.Integer)
        {
            return (char)reader.ReadUInt16();
        }

        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw DecodeFailure.TypeMismatch(typeof(char), reader.NextCode);
        }

        var text = reader.ReadString();
        return text is { Length: 1 } ? text[0] : throw new TinoValidationException("string is not a single character", "char");
    }
}
