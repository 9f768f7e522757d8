using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
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
    public bool TryRead(in ReadOnlySequence<byte> argument, [NotNullWhen(false)] out string? error)
    {
        Parent = default;
        Timeout = null;
        Id = null;
        _metadata.Clear();
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

    private string? ReadMap(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            return $"the context must be a map, not {reader.NextMessagePackType}";
        }
        string? traceParent = null;
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
            var error = key.IsSingleSegment ? ReadEntry(ref reader, key.FirstSpan, ref traceParent, ref traceState)
                : key.Length <= keyCopy.Length ? ReadEntry(ref reader, Copied(key, keyCopy), ref traceParent, ref traceState)
                : SkipEntry(ref reader);
            if (error is not null)
            {
                return error;
            }
        }
        if (traceParent is not null)
        {
            if (!ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent))
            {
                return "traceparent is not a W3C traceparent (version-traceid-parentid-flags in lowercase hex)";
            }
            Parent = parent;
        }
        return null;
    }

    private string? ReadEntry(ref MessagePackReader reader, scoped ReadOnlySpan<byte> key, ref string? traceParent, ref string? traceState)
    {
        if (key.SequenceEqual("traceparent"u8))
        {
            return ReadString(ref reader, "traceparent", 64, out traceParent);
        }
        if (key.SequenceEqual("tracestate"u8))
        {
            return ReadString(ref reader, "tracestate", MaxTraceStateLength, out traceState);
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
            Timeout = milliseconds >= (long)MaxTimeout.TotalMilliseconds ? MaxTimeout : TimeSpan.FromMilliseconds(milliseconds);
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

    private static ReadOnlySpan<byte> Copied(ReadOnlySequence<byte> key, Span<byte> copy)
    {
        key.CopyTo(copy);
        return copy[..(int)key.Length];
    }

    private static string? SkipEntry(ref MessagePackReader reader)
    {
        reader.Skip();
        return null;
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
            var key = reader.ReadString()!;
            if (reader.NextMessagePackType != MessagePackType.String)
            {
                return $"meta '{key}' must be a string";
            }
            var value = reader.ReadString()!;
            bytes += key.Length + value.Length;
            if (bytes > MaxMetadataBytes)
            {
                return $"meta is larger than {MaxMetadataBytes} bytes";
            }
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
