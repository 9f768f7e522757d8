using System.Runtime.CompilerServices;

namespace Tino;

/// <summary>
/// The decoded wire arguments of one call, held between the decoding stage and the handler without
/// boxing: small unmanaged values live in a byte array, everything else in an object array.
/// </summary>
internal sealed class ArgumentFrame
{
    private const int SlotBytes = 16;
    private byte[] _values = new byte[SlotBytes * 4];
    private object?[] _references = new object?[4];

    public void EnsureCapacity(int slots)
    {
        if (slots > _references.Length)
        {
            _values = new byte[slots * SlotBytes];
            _references = new object?[slots];
        }
    }

    public void Set<T>(int slot, T value)
    {
        if (IsInline<T>())
        {
            Unsafe.WriteUnaligned(ref _values[slot * SlotBytes], value);
        }
        else
        {
            _references[slot] = value;
        }
    }

    public T Get<T>(int slot) =>
        IsInline<T>() ? Unsafe.ReadUnaligned<T>(ref _values[slot * SlotBytes]) : (T)_references[slot]!;

    /// <summary>Lets go of the arguments of a finished call so that they can be collected.</summary>
    public void Release(int slots)
    {
        // A loop rather than Array.Clear: a call costs more than the few stores of a handler's arguments.
        var references = _references;
        for (var i = 0; i < slots && i < references.Length; i++)
        {
            references[i] = null;
        }
    }

    private static bool IsInline<T>() => !RuntimeHelpers.IsReferenceOrContainsReferences<T>() && Unsafe.SizeOf<T>() <= SlotBytes;
}
