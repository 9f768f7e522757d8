using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tino.Pipeline;

/// <summary>
/// The decoded wire arguments of one call, held between the decoding stage and the handler without
/// boxing: small unmanaged values live in a byte array, everything else in an object array. Bytes borrowed from the
/// request (an array-backed <see cref="ReadOnlyMemory{T}"/> or <see cref="ReadOnlySequence{T}"/> of bytes) are kept as
/// their array, offset and length, so that a call that borrows its payload allocates nothing.
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
        else if (BorrowedArrayOf(value) is { Array: { } array } borrowed)
        {
            _references[slot] = array;
            Unsafe.WriteUnaligned(ref _values[slot * SlotBytes], (borrowed.Offset, borrowed.Count));
        }
        else
        {
            _references[slot] = value;
        }
    }

    public T Get<T>(int slot)
    {
        if (IsInline<T>())
        {
            return Unsafe.ReadUnaligned<T>(ref _values[slot * SlotBytes]);
        }
        var reference = _references[slot];
        if (IsBorrowedBytes<T>() && reference is byte[] array)
        {
            var (offset, count) = Unsafe.ReadUnaligned<(int, int)>(ref _values[slot * SlotBytes]);
            if (typeof(T) == typeof(ReadOnlyMemory<byte>))
            {
                var memory = new ReadOnlyMemory<byte>(array, offset, count);
                return Unsafe.As<ReadOnlyMemory<byte>, T>(ref memory);
            }
            var sequence = new ReadOnlySequence<byte>(array, offset, count);
            return Unsafe.As<ReadOnlySequence<byte>, T>(ref sequence);
        }
        return (T)reference!;
    }

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

    private static bool IsBorrowedBytes<T>() => typeof(T) == typeof(ReadOnlyMemory<byte>) || typeof(T) == typeof(ReadOnlySequence<byte>);

    /// <summary>The array and range of borrowed bytes that one array holds; default for anything else.</summary>
    private static ArraySegment<byte> BorrowedArrayOf<T>(T value)
    {
        ArraySegment<byte> segment = default;
        if (typeof(T) == typeof(ReadOnlyMemory<byte>))
        {
            MemoryMarshal.TryGetArray(Unsafe.As<T, ReadOnlyMemory<byte>>(ref value), out segment);
        }
        else if (typeof(T) == typeof(ReadOnlySequence<byte>))
        {
            SequenceMarshal.TryGetArray(Unsafe.As<T, ReadOnlySequence<byte>>(ref value), out segment);
        }
        return segment;
    }

    private static bool IsInline<T>() => !RuntimeHelpers.IsReferenceOrContainsReferences<T>() && Unsafe.SizeOf<T>() <= SlotBytes;
}
