using System.Diagnostics;
using MessagePack;

namespace Tino.Protocol;

/// <summary>The <c>traceparent</c> of a call context (W3C Trace Context), checked and read from its bytes.</summary>
internal static class TraceParent
{
    /// <summary>
    /// A W3C <c>traceparent</c>, <c>version-traceid-parentid-flags</c> in lowercase hex, read from its bytes without a
    /// string: a version other than <c>00</c> may add fields after a dash, as the standard allows.
    /// </summary>
    public static string? Read(ref MessagePackReader reader, bool materialize, out ActivityContext? parent)
    {
        parent = null;
        const string Invalid = "traceparent is not a W3C traceparent (version-traceid-parentid-flags in lowercase hex)";
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            return "traceparent must be a string";
        }
        var bytes = reader.ReadStringSequence()!.Value;
        if (bytes.Length is < 55 or > 256)
        {
            return Invalid;
        }
        Span<byte> copy = stackalloc byte[256];
        var text = bytes.IsSingleSegment ? bytes.FirstSpan : WireContext.Copied(bytes, copy);
        var version = text[..2];
        var traceId = text[3..35];
        var spanId = text[36..52];
        var flags = text[53..55];
        var wellFormed = text[2] == '-' && text[35] == '-' && text[52] == '-'
            && IsLowerHex(version) && IsLowerHex(traceId) && IsLowerHex(spanId) && IsLowerHex(flags)
            && !version.SequenceEqual("ff"u8)
            && (version.SequenceEqual("00"u8) ? text.Length == 55 : text.Length == 55 || text[55] == '-')
            && traceId.IndexOfAnyExcept((byte)'0') >= 0 && spanId.IndexOfAnyExcept((byte)'0') >= 0;
        if (!wellFormed)
        {
            return Invalid;
        }
        if (!materialize)
        {
            return null;
        }
        var sampled = (flags[1] - (flags[1] >= 'a' ? 'a' - 10 : '0') & 1) != 0;
        parent = new ActivityContext(
            ActivityTraceId.CreateFromUtf8String(traceId), ActivitySpanId.CreateFromUtf8String(spanId),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, traceState: null, isRemote: true);
        return null;
    }

    private static bool IsLowerHex(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept("0123456789abcdef"u8) < 0;
}
