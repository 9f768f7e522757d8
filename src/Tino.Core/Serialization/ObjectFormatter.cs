using MessagePack;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// A class, record or struct as a map keyed by member name. Decoding gathers member values in a typed state
/// (<typeparamref name="TState"/>, a value tuple with one slot per decoded member) and then calls the constructor and
/// the setters, so positional records, init-only properties and settable classes all decode without boxing. Unknown
/// keys are skipped; a missing required member, a repeated key and nil for a non-nullable reference member are errors
/// located at that member.
/// </summary>
internal sealed class ObjectFormatter<T, TState> : IMessagePackFormatter<T>, IObjectFormatter
    where TState : struct
{
    /// <summary>Longest key matched through a stack copy when the reader cannot hand out one contiguous span.</summary>
    private const int StackKeyLength = 128;

    private readonly ObjectMember<T, TState>[] _members;
    private readonly int[] _assigned;
    private readonly ulong[] _required;
    private readonly int _longestName;
    private readonly ObjectConstructor<TState, T> _construct;
    private readonly TState _initialState;

    public ObjectFormatter(ObjectMember<T, TState>[] members, ObjectConstructor<TState, T> construct, StateInitializer<TState>? initialize)
    {
        _members = members;
        _construct = construct;
        _assigned = [.. Enumerable.Range(0, members.Length).Where(i => members[i].IsAssigned)];
        _required = new ulong[Math.Max(1, (members.Length + 63) / 64)];
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i].IsRequired)
            {
                _required[i >> 6] |= 1UL << i;
            }
        }

        _longestName = members.Length == 0 ? 0 : members.Max(m => m.Utf8Name.Length);
        initialize?.Invoke(ref _initialState);
    }

    public bool DecodesAnything => _members.Any(m => m.IsDecoded);

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(_members.Length);
        foreach (var member in _members)
        {
            WriteKey(ref writer, member);
            member.Write(ref writer, ref value, options);
        }
    }

    /// <summary>
    /// Writes a member's key. A key of up to <see cref="ObjectMember{T, TState}.PaddedKeyLength"/> bytes is copied with
    /// the zeros that pad it to that length, a copy of constant size that the JIT does in a few vector moves, and
    /// then only the key's own bytes are kept: a call to the general copy for each member cost more than the key.
    /// </summary>
    private static void WriteKey(ref MessagePackWriter writer, ObjectMember<T, TState> member)
    {
        var length = member.EncodedName.Length;
        if (length > ObjectMember<T, TState>.PaddedKeyLength)
        {
            writer.WriteRaw(member.EncodedName);
            return;
        }

        member.PaddedName.AsSpan(0, ObjectMember<T, TState>.PaddedKeyLength).CopyTo(writer.GetSpan(ObjectMember<T, TState>.PaddedKeyLength));
        writer.Advance(length);
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            if (reader.IsNil && default(T) is null)
            {
                reader.ReadNil();
                return default!;
            }

            throw DecodeFailure.TypeMismatch(typeof(T), reader.NextCode);
        }

        var count = reader.ReadMapHeader();
        options.Security.DepthStep(ref reader);
        try
        {
            var state = _initialState;
            Span<ulong> seen = stackalloc ulong[_required.Length];
            var expected = 0;
            for (var i = 0; i < count; i++)
            {
                var index = ReadKey(ref reader, expected);
                if (index < 0)
                {
                    reader.Skip();
                    continue;
                }

                ref var word = ref seen[index >> 6];
                var bit = 1UL << index;
                if ((word & bit) != 0)
                {
                    throw new TinoValidationException("duplicate field", _members[index].ExpectedType, [_members[index].Name]);
                }

                word |= bit;
                _members[index].Read(ref reader, ref state, options);
                expected = index + 1;
            }

            for (var w = 0; w < _required.Length; w++)
            {
                if ((seen[w] & _required[w]) != _required[w])
                {
                    throw Missing(w, seen[w]);
                }
            }

            var result = _construct(ref state);
            foreach (var index in _assigned)
            {
                if ((seen[index >> 6] & (1UL << index)) != 0)
                {
                    _members[index].Assign(ref result, ref state);
                }
            }

            return result;
        }
        finally
        {
            reader.Depth--;
        }
    }

    /// <summary>Reads a key and finds its member, trying the one after the last first (keys usually come in order); -1 when unknown.</summary>
    private int ReadKey(ref MessagePackReader reader, int expected)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            reader.Skip(); // not a name: an unknown key
            return -1;
        }

        if (reader.TryReadStringSpan(out var key))
        {
            return Find(key, expected);
        }

        var sequence = reader.ReadStringSequence()!.Value;
        if (sequence.Length > _longestName)
        {
            return -1;
        }

        Span<byte> copy = stackalloc byte[StackKeyLength];
        var length = (int)sequence.Length;
        var buffer = length <= StackKeyLength ? copy[..length] : new byte[length];
        System.Buffers.BuffersExtensions.CopyTo(sequence, buffer);
        return Find(buffer, expected);
    }

    private int Find(ReadOnlySpan<byte> key, int expected)
    {
        var members = _members;
        if ((uint)expected < (uint)members.Length && key.SequenceEqual(members[expected].Utf8Name))
        {
            return expected;
        }

        for (var i = 0; i < members.Length; i++)
        {
            if (key.SequenceEqual(members[i].Utf8Name))
            {
                return i;
            }
        }

        return -1;
    }

    private TinoValidationException Missing(int word, ulong seen)
    {
        var missing = _required[word] & ~seen;
        var member = _members[(word << 6) + System.Numerics.BitOperations.TrailingZeroCount(missing)];
        return new TinoValidationException("field is required", member.ExpectedType, [member.Name]);
    }
}

/// <summary>What the build-time checks ask of an object formatter, whatever type it formats.</summary>
internal interface IObjectFormatter
{
    /// <summary>Whether any member is decoded (settable or a constructor parameter): false for a type no input could fill.</summary>
    bool DecodesAnything { get; }
}
