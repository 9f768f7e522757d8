using System.Buffers;

namespace Tino.Protocol;

/// <summary>
/// The arguments of the request last parsed into it, after the command name. Make one per connection and reuse it:
/// its storage grows to the largest request seen and is then reused, so parsing allocates nothing in steady state.
/// The slices point into the caller's buffer (an inline argument written with quotes and escapes points into a
/// buffer of this object instead); they are valid until the caller advances its buffer or parses again.
/// </summary>
public sealed class RespArguments
{
    private ReadOnlySequence<byte>[] _items = new ReadOnlySequence<byte>[8];
    private int _count;
    private byte[]? _scratch;

    /// <summary>The number of arguments, not counting the command name.</summary>
    public int Count => _count;

    /// <summary>The argument at <paramref name="index"/>, 0-based after the command name.</summary>
    /// <param name="index">Zero for the first argument after the name, up to <see cref="Count"/> - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not less than <see cref="Count"/>.</exception>
    public ReadOnlySequence<byte> this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                ProtocolThrowHelper.ThrowArgumentOutOfRange(nameof(index), "The index must be at least zero and less than Count.");
            }

            return _items[index];
        }
    }

    /// <summary>Forgets every argument, dropping the references to the old buffer.</summary>
    internal void Clear()
    {
        // A loop rather than Array.Clear: requests carry few arguments, and the call costs more than the stores.
        ReadOnlySequence<byte>[] items = _items;
        for (int i = 0; i < _count && i < items.Length; i++)
        {
            items[i] = default;
        }

        _count = 0;
    }

    /// <summary>Appends an argument slice; the backing array doubles when full.</summary>
    internal void Add(in ReadOnlySequence<byte> argument)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[_count++] = argument;
    }

    /// <summary>Drops the first argument (a call context, once read), moving the others down.</summary>
    internal void RemoveFirst()
    {
        ReadOnlySequence<byte>[] items = _items;
        Array.Copy(items, 1, items, 0, _count - 1);
        items[--_count] = default;
    }

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes for unescaped inline arguments, kept between requests.</summary>
    internal byte[] GetScratch(int minimumLength)
    {
        if (_scratch is null || _scratch.Length < minimumLength)
        {
            _scratch = new byte[Math.Max(minimumLength, 256)];
        }

        return _scratch;
    }
}
