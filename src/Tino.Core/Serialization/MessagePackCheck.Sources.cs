using System.Buffers;
using System.Buffers.Binary;
using System.Text.Unicode;

namespace Tino.Serialization;

/// <summary>The byte sources the check scans: one span (the fast path) or a sequence of segments.</summary>
internal static partial class MessagePackCheck
{
    /// <summary>What the scanner needs from its input; every method fails without effect when too few bytes remain.</summary>
    private interface IByteSource
    {
        /// <summary>Bytes not yet scanned.</summary>
        long Remaining { get; }

        bool TryReadByte(out byte value);

        /// <summary>Reads a big-endian unsigned integer of 1, 2, 4 or 8 bytes.</summary>
        bool TryReadBigEndian(int size, out ulong value);

        bool TrySkip(long count);

        /// <summary>Consumes <paramref name="count"/> bytes and says whether they are valid UTF-8.</summary>
        bool TryCheckUtf8(long count, out bool valid);
    }

    private ref struct SpanSource : IByteSource
    {
        private readonly ReadOnlySpan<byte> _span;
        private int _position;

        public SpanSource(ReadOnlySpan<byte> span)
        {
            _span = span;
            _position = 0;
        }

        public readonly long Remaining => _span.Length - _position;

        public bool TryReadByte(out byte value)
        {
            if ((uint)_position < (uint)_span.Length)
            {
                value = _span[_position++];
                return true;
            }

            value = 0;
            return false;
        }

        public bool TryReadBigEndian(int size, out ulong value)
        {
            if (size > _span.Length - _position)
            {
                value = 0;
                return false;
            }

            value = ReadBigEndian(_span.Slice(_position, size));
            _position += size;
            return true;
        }

        public bool TrySkip(long count)
        {
            if (count > _span.Length - _position)
            {
                return false;
            }

            _position += (int)count;
            return true;
        }

        public bool TryCheckUtf8(long count, out bool valid)
        {
            if (count > _span.Length - _position)
            {
                valid = false;
                return false;
            }

            valid = Utf8.IsValid(_span.Slice(_position, (int)count));
            _position += (int)count;
            return true;
        }
    }

    private ref struct SequenceSource : IByteSource
    {
        private SequenceReader<byte> _reader;

        public SequenceSource(ReadOnlySequence<byte> sequence) => _reader = new SequenceReader<byte>(sequence);

        public readonly long Remaining => _reader.Remaining;

        public bool TryReadByte(out byte value) => _reader.TryRead(out value);

        public bool TryReadBigEndian(int size, out ulong value)
        {
            Span<byte> buffer = stackalloc byte[8];
            if (!_reader.TryCopyTo(buffer[..size]))
            {
                value = 0;
                return false;
            }

            _reader.Advance(size);
            value = ReadBigEndian(buffer[..size]);
            return true;
        }

        public bool TrySkip(long count)
        {
            if (count > _reader.Remaining)
            {
                return false;
            }

            _reader.Advance(count);
            return true;
        }

        public bool TryCheckUtf8(long count, out bool valid)
        {
            valid = false;
            if (count > _reader.Remaining)
            {
                return false;
            }

            var unread = _reader.UnreadSpan;
            if (unread.Length >= count)
            {
                valid = Utf8.IsValid(unread[..(int)count]);
            }
            else if (count <= Array.MaxLength)
            {
                // The string crosses segments: validate a pooled copy so sequences split mid-character are judged whole.
                var copy = ArrayPool<byte>.Shared.Rent((int)count);
                _reader.TryCopyTo(copy.AsSpan(0, (int)count));
                valid = Utf8.IsValid(copy.AsSpan(0, (int)count));
                ArrayPool<byte>.Shared.Return(copy);
            }

            _reader.Advance(count);
            return true;
        }
    }

    private static ulong ReadBigEndian(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        1 => bytes[0],
        2 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32BigEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64BigEndian(bytes),
    };
}
