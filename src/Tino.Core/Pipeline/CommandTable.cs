using System.Buffers;
using System.Text;

namespace Tino.Pipeline;

/// <summary>
/// Command names to values, matched case-insensitively (ASCII) straight from the request bytes,
/// without allocating.
/// </summary>
internal sealed class CommandTable<T> where T : class
{
    /// <summary>Longer names are never registered, so lookups of longer ones fail at once.</summary>
    public const int MaxNameLength = 128;

    // Buckets by a hash of the name's length and first and last letters, case folded; a power of two of them, at
    // least twice as many as names, so that a lookup is an array index and a comparison or two. Names are stored
    // upper-case.
    private (byte[] Name, T Value)[]?[] _buckets = new (byte[] Name, T Value)[]?[8];

    public int Count { get; private set; }

    public bool TryAdd(string name, T value)
    {
        var bytes = Encoding.ASCII.GetBytes(name.ToUpperInvariant());
        if (TryGet(bytes, out _))
        {
            return false;
        }
        if ((Count + 1) * 2 > _buckets.Length)
        {
            var old = _buckets;
            _buckets = new (byte[] Name, T Value)[]?[old.Length * 2];
            foreach (var bucket in old)
            {
                foreach (var (oldName, oldValue) in bucket ?? [])
                {
                    Insert(oldName, oldValue);
                }
            }
        }
        Insert(bytes, value);
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
        if (name.Length is > 0 and <= MaxNameLength && _buckets[IndexOf(name)] is { } bucket)
        {
            foreach (var (candidate, candidateValue) in bucket)
            {
                if (EqualsUpperCase(candidate, name))
                {
                    value = candidateValue;
                    return true;
                }
            }
        }
        value = null!;
        return false;
    }

    private void Insert(byte[] name, T value)
    {
        ref var bucket = ref _buckets[IndexOf(name)];
        bucket = bucket is null ? [(name, value)] : [.. bucket, (name, value)];
    }

    private int IndexOf(ReadOnlySpan<byte> name)
    {
        var hash = ((uint)name.Length * 0x9E3779B1u) ^ ((uint)(name[0] & 0xDF) * 0x85EBCA77u) ^ ((uint)(name[^1] & 0xDF) * 0xC2B2AE3Du);
        return (int)((hash ^ (hash >> 15)) & (uint)(_buckets.Length - 1));
    }

    /// <summary>
    /// Whether <paramref name="name"/> is <paramref name="upper"/> ignoring ASCII case, as
    /// <see cref="Ascii.EqualsIgnoreCase(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> says: <paramref name="upper"/> is
    /// ASCII without lower-case letters, so folding <paramref name="name"/>'s letters up is enough (a byte above 127
    /// matches nothing).
    /// </summary>
    private static bool EqualsUpperCase(byte[] upper, ReadOnlySpan<byte> name)
    {
        if (upper.Length != name.Length)
        {
            return false;
        }
        for (var i = 0; i < upper.Length; i++)
        {
            var b = name[i];
            if ((uint)(b - 'a') <= 'z' - 'a')
            {
                b -= 0x20;
            }
            if (b != upper[i])
            {
                return false;
            }
        }
        return true;
    }
}
