using System.Buffers;

namespace Tino.Protocol;

/// <summary>
/// The start of a request: how many arguments follow and the command name, read before the arguments so a server
/// can look the command up and check auth before the body arrives. The name is a slice of the caller's buffer (or,
/// for an inline name written with escapes, a copy) and lives until the caller advances its buffer past it.
/// </summary>
public readonly struct RespRequestHeader
{
    internal RespRequestHeader(
        int argumentCount,
        ReadOnlySequence<byte> name,
        bool isInline,
        bool isEmpty,
        long bytesRead,
        ReadOnlySequence<byte> inlineRest)
    {
        ArgumentCount = argumentCount;
        Name = name;
        IsInline = isInline;
        IsEmpty = isEmpty;
        BytesRead = bytesRead;
        InlineRest = inlineRest;
    }

    /// <summary>The number of arguments after the command name (zero for an empty frame).</summary>
    public int ArgumentCount { get; }

    /// <summary>The command name exactly as sent; empty for an empty frame.</summary>
    public ReadOnlySequence<byte> Name { get; }

    /// <summary>Whether the request is an inline command (a text line) rather than a RESP array.</summary>
    public bool IsInline { get; }

    /// <summary>
    /// Whether the frame is one to ignore without a reply: <c>*0</c>, <c>*-1</c> (or any count below one) or a blank
    /// inline line. Its bytes were consumed all the same.
    /// </summary>
    public bool IsEmpty { get; }

    /// <summary>
    /// The bytes of the request consumed by the call that produced this header: the array header and name after
    /// <see cref="RespRequestParser.TryReadHeader"/>, the whole request after <see cref="RespRequestParser.TryRead"/>.
    /// An inline command is read as one whole line either way.
    /// </summary>
    public long BytesRead { get; }

    /// <summary>For an inline command, the rest of the line after the name, split into arguments later.</summary>
    internal ReadOnlySequence<byte> InlineRest { get; }

    internal static RespRequestHeader Empty(bool isInline, long bytesRead) =>
        new(0, default, isInline, isEmpty: true, bytesRead, default);

    internal RespRequestHeader WithBytesRead(long bytesRead) =>
        new(ArgumentCount, Name, IsInline, IsEmpty, bytesRead, InlineRest);
}
