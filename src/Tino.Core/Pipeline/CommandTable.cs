using System.Buffers;
using System.Text;

namespace Tino;

/// <summary>
/// Command names to values, matched case-insensitively (ASCII) straight from the request bytes,
/// without allocating.
/// </summary>
internal sealed class CommandTable<T> where T : class
{
    /// <summary>Longer names are never registered, so lookups of longer ones fail at once.</summary>
    public const int MaxNameLength = 128;

    private readonly Dictionary<int, (byte[] Name, T Value)[]> _buckets = [];

    public int Count { get; private set; }

    public bool TryAdd(string name, T value)
    {
        var bytes = Encoding.ASCII.GetBytes(name.ToUpperInvariant());
        if (TryGet(bytes, out _))
        {
            return false;
        }
        var key = KeyOf(bytes);
        _buckets[key] = _buckets.TryGetValue(key, out var bucket) ? [.. bucket, (bytes, value)] : [(bytes, value)];
        Count++;
        return true;
    }

    public bool TryGet(in ReadOnlySequence<byte> name, out T value)
    {
        if (name.IsSingleSegment)
        {
            return TryGet(name.FirstSpan, out value);
        }
        if (name.Length > MaxNameLength)
        {
            value = null!;
            return false;
        }
        Span<byte> copy = stackalloc byte[(int)name.Length];
        name.CopyTo(copy);
        return TryGet(copy, out value);
    }

    public bool TryGet(ReadOnlySpan<byte> name, out T value)
    {
        if (name.Length is > 0 and <= MaxNameLength && _buckets.TryGetValue(KeyOf(name), out var bucket))
        {
            foreach (var (candidate, candidateValue) in bucket)
            {
                if (Ascii.EqualsIgnoreCase(candidate, name))
                {
                    value = candidateValue;
                    return true;
                }
            }
        }
        value = null!;
        return false;
    }

    private static int KeyOf(ReadOnlySpan<byte> name) =>
        name.IsEmpty ? 0 : (name.Length << 8) | (name[0] & 0xDF);
}
