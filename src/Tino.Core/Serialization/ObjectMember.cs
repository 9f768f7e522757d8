using System.Buffers;
using System.Text;
using MessagePack;

namespace Tino.Serialization;

/// <summary>One member as the object formatter uses it when encoding and decoding; typed by <see cref="ObjectMemberOf{T, TState, TMember}"/>.</summary>
internal abstract class ObjectMember<T, TState>
    where TState : struct
{
    protected ObjectMember(ObjectMemberPlan plan)
    {
        Name = plan.WireName;
        Utf8Name = Encoding.UTF8.GetBytes(plan.WireName);
        var key = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(key);
        writer.Write(plan.WireName);
        writer.Flush();
        EncodedName = key.WrittenSpan.ToArray();
        PaddedName = new byte[Math.Max(PaddedKeyLength, EncodedName.Length)];
        EncodedName.CopyTo(PaddedName, 0);
        IsRequired = plan.Required;
        IsAssigned = plan.IsAssigned;
        ExpectedType = WireTypeNames.Of(plan.Type);
    }

    /// <summary>The wire name.</summary>
    public string Name { get; }

    /// <summary>The wire name in UTF-8, to match keys without decoding them.</summary>
    public byte[] Utf8Name { get; }

    /// <summary>The wire name as a MessagePack string, written as it is.</summary>
    public byte[] EncodedName { get; }

    /// <summary>The length that <see cref="PaddedName"/> pads a shorter key to.</summary>
    public const int PaddedKeyLength = 32;

    /// <summary><see cref="EncodedName"/> followed by zeros up to <see cref="PaddedKeyLength"/> bytes.</summary>
    public byte[] PaddedName { get; }

    /// <summary>Whether input without it is an error.</summary>
    public bool IsRequired { get; }

    /// <summary>Whether it is set after construction.</summary>
    public bool IsAssigned { get; }

    /// <summary>The wire type name of the member, for errors.</summary>
    public string ExpectedType { get; }

    /// <summary>Writes the member's value (not its key).</summary>
    public abstract void Write(ref MessagePackWriter writer, ref T value, MessagePackSerializerOptions options);

    /// <summary>Reads the member's value into its slot; skips it when the member is never decoded.</summary>
    public abstract void Read(ref MessagePackReader reader, ref TState state, MessagePackSerializerOptions options);

    /// <summary>Sets the member on the constructed object from its slot.</summary>
    public abstract void Assign(ref T target, ref TState state);
}
