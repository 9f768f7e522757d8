using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// One MessagePack value kept as its bytes, passed through untouched: as a handler's parameter it is the argument as
/// the caller sent it (checked to be one well-formed value, not decoded), as a result it is written as the reply as it
/// is. For gateways, proxies and caches that move values without knowing their types.
/// </summary>
/// <remarks>
/// As a parameter the bytes are borrowed from the request: valid until the call completes, so copy them
/// (<c>Bytes.ToArray()</c>) to keep them longer.
/// </remarks>
/// <example><code>
/// builder.Command("relay", (string command, RawMessagePack argument) => upstream.CallRawAsync(command, [argument.Bytes]));
/// </code></example>
[MessagePackFormatter(typeof(RawMessagePackFormatter))]
public readonly struct RawMessagePack : IEquatable<RawMessagePack>
{
    /// <summary>Wraps <paramref name="bytes"/>, which must be exactly one MessagePack value.</summary>
    public RawMessagePack(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    /// <summary>The value's MessagePack; empty for <c>default</c>, which is written as nil.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The MessagePack of <paramref name="value"/>, with Tino's default options unless others are given.</summary>
    public static RawMessagePack Of<T>(T value, MessagePackSerializerOptions? options = null) =>
        new(MessagePackSerializer.Serialize(value, options ?? TinoMessagePack.DefaultOptions));

    /// <summary>Decodes the value as <typeparamref name="T"/>, with Tino's default options unless others are given.</summary>
    public T Decode<T>(MessagePackSerializerOptions? options = null) =>
        MessagePackSerializer.Deserialize<T>(Bytes.IsEmpty ? RawMessagePackFormatter.Nil : Bytes, options ?? TinoMessagePack.DefaultOptions);

    /// <summary>Whether both hold the same bytes.</summary>
    public bool Equals(RawMessagePack other) => Bytes.Span.SequenceEqual(other.Bytes.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RawMessagePack other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes.Span);
        return hash.ToHashCode();
    }

    /// <summary>Whether both hold the same bytes.</summary>
    public static bool operator ==(RawMessagePack left, RawMessagePack right) => left.Equals(right);

    /// <summary>Whether the bytes differ.</summary>
    public static bool operator !=(RawMessagePack left, RawMessagePack right) => !left.Equals(right);

    /// <summary>The value as JSON text, for logs and debuggers.</summary>
    public override string ToString() => Bytes.IsEmpty ? "null" : JsonMessagePack.ToJson(Bytes);
}

/// <summary>Writes a <see cref="RawMessagePack"/>'s bytes as they are; reads one value's bytes without decoding them.</summary>
internal sealed class RawMessagePackFormatter : IMessagePackFormatter<RawMessagePack>
{
    public static readonly byte[] Nil = [MessagePackCode.Nil];

    public void Serialize(ref MessagePackWriter writer, RawMessagePack value, MessagePackSerializerOptions options) =>
        writer.WriteRaw(value.Bytes.IsEmpty ? Nil : value.Bytes.Span);

    public RawMessagePack Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        new(System.Buffers.BuffersExtensions.ToArray(reader.ReadRaw()));
}
