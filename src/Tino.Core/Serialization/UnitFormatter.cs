using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>F# <c>unit</c> as nil (PROTOCOL.md 6b), found by name so Tino.Core needs no FSharp.Core reference.</summary>
internal sealed class UnitFormatter<T> : IMessagePackFormatter<T?>
    where T : class
{
    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options) => writer.WriteNil();

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.TryReadNil() ? null : throw DecodeFailure.TypeMismatch(typeof(T), reader.NextCode);
}
