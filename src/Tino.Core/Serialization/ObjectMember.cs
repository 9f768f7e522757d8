using System.Buffers;
using System.ComponentModel;
using System.Text;
using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// One member of a record or class as Tino's object formatter encodes and decodes it: made by reflection, or by the
/// code that Tino.Generators writes through <see cref="GeneratedFormatters.Member{T, TState, TMember}"/>.
/// </summary>
/// <typeparam name="T">The record or class.</typeparam>
/// <typeparam name="TState">The decoding state: a value tuple with a slot per decoded member.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ObjectMember<T, TState>
    where TState : struct
{
    private protected ObjectMember(string wireName, Type memberType, bool isRequired, bool isAssigned)
    {
        Name = wireName;
        Utf8Name = Encoding.UTF8.GetBytes(wireName);
        var key = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(key);
        writer.Write(wireName);
        writer.Flush();
        EncodedName = key.WrittenSpan.ToArray();
        PaddedName = new byte[Math.Max(PaddedKeyLength, EncodedName.Length)];
        EncodedName.CopyTo(PaddedName, 0);
        IsRequired = isRequired;
        IsAssigned = isAssigned;
        _memberType = memberType;
    }

    /// <summary>The wire name.</summary>
    internal string Name { get; }

    /// <summary>The wire name in UTF-8, to match keys without decoding them.</summary>
    internal byte[] Utf8Name { get; }

    /// <summary>The wire name as a MessagePack string, written as it is.</summary>
    internal byte[] EncodedName { get; }

    /// <summary>The length that <see cref="PaddedName"/> pads a shorter key to.</summary>
    internal const int PaddedKeyLength = 32;

    /// <summary><see cref="EncodedName"/> followed by zeros up to <see cref="PaddedKeyLength"/> bytes.</summary>
    internal byte[] PaddedName { get; }

    /// <summary>Whether input without it is an error.</summary>
    internal bool IsRequired { get; }

    /// <summary>Whether it is decoded: a constructor parameter or settable.</summary>
    internal abstract bool IsDecoded { get; }

    /// <summary>Whether it is set after construction.</summary>
    internal bool IsAssigned { get; }

    private readonly Type _memberType;
    private string? _expectedType;

    /// <summary>The wire type name of the member, for errors: worked out when the first error needs it.</summary>
    internal string ExpectedType => _expectedType ??= WireTypeNames.Of(_memberType);

    /// <summary>Writes the member's value (not its key).</summary>
    internal abstract void Write(ref MessagePackWriter writer, ref T value, MessagePackSerializerOptions options);

    /// <summary>Reads the member's value into its slot; skips it when the member is never decoded.</summary>
    internal abstract void Read(ref MessagePackReader reader, ref TState state, MessagePackSerializerOptions options);

    /// <summary>Sets the member on the constructed object from its slot.</summary>
    internal abstract void Assign(ref T target, ref TState state);
}
