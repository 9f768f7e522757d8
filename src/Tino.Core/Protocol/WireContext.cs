using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using MessagePack;

namespace Tino.Protocol;

/// <summary>
/// The call context a caller may send before a call's arguments (protocol.md, "Call context"): one argument made of the
/// byte <c>0xC1</c>, which no MessagePack value and no UTF-8 text starts with, then a MessagePack map with the keys
/// <c>traceparent</c>, <c>tracestate</c>, <c>timeout_ms</c>, <c>id</c> and <c>meta</c>. Unknown keys are skipped, so that
/// the map can grow. One instance per call context on the server, read again for each call that carries one.
/// </summary>
internal sealed class WireContext
{
    /// <summary>The first byte of a context argument: "never used" by MessagePack, and never in UTF-8.</summary>
    public const byte Marker = 0xC1;

    /// <summary>The most metadata entries a context carries (W3C Baggage's minimum).</summary>
    public const int MaxMetadataEntries = 64;

    /// <summary>The most bytes of metadata keys and values together (W3C Baggage's minimum).</summary>
    public const int MaxMetadataBytes = 8 * 1024;

    /// <summary>The longest <c>tracestate</c> (what W3C asks vendors to pass on at least).</summary>
    public const int MaxTraceStateLength = 512;

    /// <summary>The longest call id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The longest timeout a context can ask for: a timer's limit (about 49 days); longer ones are cut to it.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private bool _materialize;

    /// <summary>The caller's span, from <c>traceparent</c> and <c>tracestate</c>; default when the context has none.</summary>
    public ActivityContext Parent { get; private set; }

    /// <summary>How long the caller waits, from when the server read the call; null when it did not say.</summary>
    public TimeSpan? Timeout { get; private set; }

    /// <summary>The caller's name for the call, by which it can cancel it; null when it gave none.</summary>
    public string? Id { get; private set; }

    /// <summary>The metadata sent with the call; empty when none was.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    /// <summary>
    /// Whether <paramref name="argument"/> is a call context rather than a value: the marker and more. The marker alone is
    /// not one: it stays what it always was, an argument that is not MessagePack.
    /// </summary>
    public static bool IsContext(in ReadOnlySequence<byte> argument)
    {
        var first = argument.FirstSpan;
        return first.Length > 1 ? first[0] == Marker : argument.Length > 1 && argument.Slice(0, 1).FirstSpan[0] == Marker;
    }

    /// <summary>Reads a marked argument's map into this instance; false with the reason when it is malformed.</summary>
    /// <param name="argument">The marked argument.</param>
    /// <param name="materialize">
    /// Whether the call can use what the context holds (its trace, its metadata): false for a call that nothing can show
    /// them to, whose context is then only checked, without a string made.
    /// </param>
    /// <param name="error">Why the context is malformed.</param>
    public bool TryRead(in ReadOnlySequence<byte> argument, bool materialize, [NotNullWhen(false)] out string? error)
    {
        _materialize = materialize;
        Parent = default;
        Timeout = null;
        Id = null;
        _metadata.Clear();
        if (argument.IsSingleSegment && TryReadTimeoutOnly(argument.FirstSpan, out var milliseconds))
        {
            Timeout = TimeoutOf(milliseconds);
            error = null;
            return true;
        }
        try
        {
            var reader = new MessagePackReader(argument.Slice(1));
            error = ReadMap(ref reader);
            if (error is null && !reader.End)
            {
                error = "bytes follow the context's map";
            }
        }
        catch (Exception failure) when (failure is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            error = $"the context is not one MessagePack map ({failure.Message})";
        }
        return error is null;
    }

    /// <summary>
    /// The context most calls carry, <c>{"timeout_ms": n}</c> alone (what Tino's client sends unless there is a trace or
    /// metadata), read straight from its bytes; false for any other context, which the MessagePack reader then reads.
    /// </summary>
    private static bool TryReadTimeoutOnly(ReadOnlySpan<byte> argument, out long milliseconds)
    {
        milliseconds = 0;
        // The marker, a one-entry map, the 10-byte key "timeout_ms", then an unsigned integer.
        if (argument.Length < 14 || argument[1] != 0x81 || argument[2] != 0xAA || !argument.Slice(3, 10).SequenceEqual("timeout_ms"u8))
        {
            return false;
        }
        var value = argument[13..];
        (milliseconds, var length) = value[0] switch
        {
            <= 0x7F => (value[0], 1),
            0xCC when value.Length >= 2 => (value[1], 2),
            0xCD when value.Length >= 3 => (BinaryPrimitives.ReadUInt16BigEndian(value[1..]), 3),
            0xCE when value.Length >= 5 => ((long)BinaryPrimitives.ReadUInt32BigEndian(value[1..]), 5),
            _ => (0L, 0),
        };
        return length > 0 && value.Length == length;
    }

    private static TimeSpan TimeoutOf(long milliseconds) =>
        milliseconds >= (long)MaxTimeout.TotalMilliseconds ? MaxTimeout : TimeSpan.FromMilliseconds(milliseconds);

    private string? ReadMap(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            return $"the context must be a map, not {reader.NextMessagePackType}";
        }
        ActivityContext? parent = null;
        string? traceState = null;
        Span<byte> keyCopy = stackalloc byte[16];
        var entries = reader.ReadMapHeader();
        for (var i = 0; i < entries; i++)
        {
            if (reader.NextMessagePackType != MessagePackType.String)
            {
                return "the context's keys must be strings";
            }
            var key = reader.ReadStringSequence()!.Value;
            // A key split across buffer segments is copied; one longer than any known key is skipped with its value.
            var error = key.IsSingleSegment ? ReadEntry(ref reader, key.FirstSpan, ref parent, ref traceState)
                : key.Length <= keyCopy.Length ? ReadEntry(ref reader, Copied(key, keyCopy), ref parent, ref traceState)
                : SkipEntry(ref reader);
            if (error is not null)
            {
                return error;
            }
        }
        if (parent is { } caller)
        {
            Parent = new ActivityContext(caller.TraceId, caller.SpanId, caller.TraceFlags, traceState, isRemote: true);
        }
        return null;
    }

    private string? ReadEntry(ref MessagePackReader reader, scoped ReadOnlySpan<byte> key, ref ActivityContext? parent, ref string? traceState)
    {
        if (key.SequenceEqual("traceparent"u8))
        {
            return TraceParent.Read(ref reader, _materialize, out parent);
        }
        if (key.SequenceEqual("tracestate"u8))
        {
            return _materialize ? ReadString(ref reader, "tracestate", MaxTraceStateLength, out traceState) : CheckString(ref reader, "tracestate", MaxTraceStateLength);
        }
        if (key.SequenceEqual("timeout_ms"u8))
        {
            if (reader.NextMessagePackType != MessagePackType.Integer)
            {
                return "timeout_ms must be an integer of milliseconds";
            }
            var milliseconds = reader.ReadInt64();
            if (milliseconds < 0)
            {
                return "timeout_ms must not be negative";
            }
            Timeout = TimeoutOf(milliseconds);
            return null;
        }
        if (key.SequenceEqual("id"u8))
        {
            if (reader.NextMessagePackType == MessagePackType.Integer)
            {
                Id = reader.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
                return null;
            }
            var error = ReadString(ref reader, "id", MaxIdLength, out var id);
            Id = id;
            return error;
        }
        if (key.SequenceEqual("meta"u8))
        {
            return ReadMetadata(ref reader);
        }
        return SkipEntry(ref reader);
    }

    /// <summary>A string's bytes that arrived in several segments, copied into <paramref name="copy"/>.</summary>
    internal static ReadOnlySpan<byte> Copied(ReadOnlySequence<byte> key, Span<byte> copy)
    {
        key.CopyTo(copy);
        return copy[..(int)key.Length];
    }

    private static string? SkipEntry(ref MessagePackReader reader)
    {
        reader.Skip();
        return null;
    }

    /// <summary>Checks a string entry without making the string: its type, and its length in bytes.</summary>
    private static string? CheckString(ref MessagePackReader reader, string key, int maxLength)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            return $"{key} must be a string";
        }
        return reader.ReadStringSequence()!.Value.Length > maxLength ? $"{key} is longer than {maxLength} characters" : null;
    }

    private static string? ReadString(ref MessagePackReader reader, string key, int maxLength, out string? value)
    {
        value = null;
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            return $"{key} must be a string";
        }
        value = reader.ReadString();
        return value!.Length > maxLength ? $"{key} is longer than {maxLength} characters" : null;
    }

    private string? ReadMetadata(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            return "meta must be a map of strings to strings";
        }
        var entries = reader.ReadMapHeader();
        if (entries > MaxMetadataEntries)
        {
            return $"meta has {entries} entries, more than {MaxMetadataEntries}";
        }
        var bytes = 0L;
        for (var i = 0; i < entries; i++)
        {
            if (reader.NextMessagePackType != MessagePackType.String)
            {
                return "meta must be a map of strings to strings";
            }
            var keyBytes = reader.ReadStringSequence()!.Value;
            if (reader.NextMessagePackType != MessagePackType.String)
            {
                return $"meta '{Encoding.UTF8.GetString(keyBytes)}' must be a string";
            }
            var valueBytes = reader.ReadStringSequence()!.Value;
            bytes += keyBytes.Length + valueBytes.Length;
            if (bytes > MaxMetadataBytes)
            {
                return $"meta is larger than {MaxMetadataBytes} bytes";
            }
            if (!_materialize)
            {
                continue;
            }
            var key = Encoding.UTF8.GetString(keyBytes);
            var value = Encoding.UTF8.GetString(valueBytes);
            _metadata[key] = value;
        }
        return null;
    }

    /// <summary>Writes a context argument as a RESP bulk string: the marker, then the map of what is given.</summary>
    public static void Write(IBufferWriter<byte> request, ArrayBufferWriter<byte> scratch, string? traceParent, string? traceState, TimeSpan? timeout, long? id, IReadOnlyDictionary<string, string>? metadata)
    {
        scratch.ResetWrittenCount();
        scratch.GetSpan(1)[0] = Marker;
        scratch.Advance(1);
        var writer = new MessagePackWriter(scratch);
        var metadataCount = metadata?.Count ?? 0;
        writer.WriteMapHeader((traceParent is null ? 0 : 1) + (traceState is null ? 0 : 1) + (timeout is null ? 0 : 1) + (id is null ? 0 : 1) + (metadataCount > 0 ? 1 : 0));
        if (traceParent is not null)
        {
            writer.WriteString("traceparent"u8);
            writer.Write(traceParent);
        }
        if (traceState is not null)
        {
            writer.WriteString("tracestate"u8);
            writer.Write(traceState);
        }
        if (timeout is { } wait)
        {
            writer.WriteString("timeout_ms"u8);
            writer.Write((long)Math.Clamp(Math.Ceiling(wait.TotalMilliseconds), 0, MaxTimeout.TotalMilliseconds));
        }
        if (id is { } callId)
        {
            writer.WriteString("id"u8);
            writer.Write(callId);
        }
        if (metadataCount > 0)
        {
            writer.WriteString("meta"u8);
            writer.WriteMapHeader(metadataCount);
            foreach (var (key, value) in metadata!)
            {
                writer.Write(key);
                writer.Write(value);
            }
        }
        writer.Flush();
        RespWriter.WriteBulkString(request, scratch.WrittenSpan);
    }
}
