using System.Collections.ObjectModel;
using System.Text;

namespace Tino.Protocol;

/// <summary>
/// A parsed RESP2 reply. Immutable, and independent of the buffer it was read from: its bytes are copied, since a
/// reply outlives the receive buffer. Members that do not apply to a kind are empty (or zero).
/// </summary>
public sealed class RespReply
{
    private const int ToStringBytes = 64;

    private static readonly IReadOnlyList<RespReply> s_noItems = ReadOnlyCollection<RespReply>.Empty;

    private RespReply(RespReplyKind kind, ReadOnlyMemory<byte> bytes, long integer, IReadOnlyList<RespReply> items)
    {
        Kind = kind;
        Bytes = bytes;
        Integer = integer;
        Items = items;
    }

    /// <summary>The null reply (<c>$-1</c> or <c>*-1</c>), shared.</summary>
    public static RespReply Null { get; } = new(RespReplyKind.Null, ReadOnlyMemory<byte>.Empty, 0, s_noItems);

    /// <summary>The empty bulk string (<c>$0</c>), shared.</summary>
    public static RespReply EmptyBulkString { get; } = new(RespReplyKind.BulkString, ReadOnlyMemory<byte>.Empty, 0, s_noItems);

    /// <summary>The empty array (<c>*0</c>), shared.</summary>
    public static RespReply EmptyArray { get; } = new(RespReplyKind.Array, ReadOnlyMemory<byte>.Empty, 0, s_noItems);

    /// <summary>The RESP2 type of the reply.</summary>
    public RespReplyKind Kind { get; }

    /// <summary>The bytes of a simple string, error line (without the dash) or bulk string; empty for other kinds.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The value of an integer reply; zero for other kinds.</summary>
    public long Integer { get; }

    /// <summary>The elements of an array reply; empty for other kinds.</summary>
    public IReadOnlyList<RespReply> Items { get; }

    /// <summary>
    /// A one-line view for debugging: <c>+OK</c>, <c>-ERR text</c>, <c>:42</c>, <c>"bytes"</c> (non-printable bytes as
    /// <c>\xHH</c>, long ones cut), <c>[a, b]</c> or <c>(nil)</c>.
    /// </summary>
    /// <returns>The reply as text.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Append(builder);
        return builder.ToString();
    }

    internal static RespReply Line(RespReplyKind kind, ReadOnlyMemory<byte> bytes) => new(kind, bytes, 0, s_noItems);

    internal static RespReply FromInteger(long value) => new(RespReplyKind.Integer, ReadOnlyMemory<byte>.Empty, value, s_noItems);

    internal static RespReply BulkString(ReadOnlyMemory<byte> bytes) =>
        bytes.IsEmpty ? EmptyBulkString : new(RespReplyKind.BulkString, bytes, 0, s_noItems);

    /// <summary>An array reply over <paramref name="items"/>, which the caller hands over and no longer touches.</summary>
    internal static RespReply Array(RespReply[] items) =>
        items.Length == 0 ? EmptyArray : new(RespReplyKind.Array, ReadOnlyMemory<byte>.Empty, 0, new ReadOnlyCollection<RespReply>(items));

    private void Append(StringBuilder builder)
    {
        switch (Kind)
        {
            case RespReplyKind.SimpleString:
                AppendText(builder.Append('+'), Bytes.Span);
                break;
            case RespReplyKind.Error:
                AppendText(builder.Append('-'), Bytes.Span);
                break;
            case RespReplyKind.Integer:
                builder.Append(':').Append(Integer);
                break;
            case RespReplyKind.BulkString:
                AppendText(builder.Append('"'), Bytes.Span).Append('"');
                break;
            case RespReplyKind.Array:
                builder.Append('[');
                for (int i = 0; i < Items.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    Items[i].Append(builder);
                }

                builder.Append(']');
                break;
            default:
                builder.Append("(nil)");
                break;
        }
    }

    private static StringBuilder AppendText(StringBuilder builder, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes[..Math.Min(bytes.Length, ToStringBytes)])
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return bytes.Length > ToStringBytes ? builder.Append("...(").Append(bytes.Length).Append(" bytes)") : builder;
    }
}
