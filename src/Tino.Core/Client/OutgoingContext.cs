using System.Buffers;
using System.Diagnostics;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>
/// What a call sends before its arguments (protocol.md, "Call context"): the trace it continues, how long its caller
/// waits, and the client's metadata. Inside a handler serving a call, the deadline is what is left of that call's, when
/// it is the shorter, and the trace continues the served call's even when the server records no span.
/// </summary>
internal readonly record struct OutgoingContext(string? TraceParent, string? TraceState, TimeSpan? Timeout, IReadOnlyDictionary<string, string>? Metadata, long? Id)
{
    /// <summary>Whether <see cref="Timeout"/> is what is left of a served call's deadline, different for every call.</summary>
    public bool Inherited { get; init; }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>Whether there is nothing to send: the call goes out as a plain Redis request.</summary>
    public bool IsEmpty => TraceParent is null && Timeout is null && Id is null && Metadata is not { Count: > 0 };

    /// <summary>
    /// The context of a call about to be written, whose client span is <paramref name="span"/> (null when nothing records
    /// one), with <paramref name="metadata"/> (the options' when the call went through no middleware) and
    /// <paramref name="id"/>, by which the client can cancel it (null when its caller cannot cancel it).
    /// </summary>
    public static OutgoingContext For(Activity? span, TinoClientOptions options, IReadOnlyDictionary<string, string>? metadata, long? id)
    {
        if (!options.SendCallContext)
        {
            return default;
        }
        var inbound = InboundCall.Current;
        TimeSpan? timeout = options.CallTimeout == System.Threading.Timeout.InfiniteTimeSpan ? null : options.CallTimeout;
        var inherited = false;
        if (inbound?.Remaining is { } left && (timeout is null || left < timeout))
        {
            timeout = left;
            inherited = true;
        }
        var trace = span ?? Activity.Current;
        if (trace is { IdFormat: ActivityIdFormat.W3C })
        {
            return new(trace.Id, trace.TraceStateString, timeout, metadata, id) { Inherited = inherited };
        }
        if (inbound is { Parent: var parent } && parent != default)
        {
            var flags = (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
            return new($"00-{parent.TraceId.ToHexString()}-{parent.SpanId.ToHexString()}-{flags}", parent.TraceState, timeout, metadata, id) { Inherited = inherited };
        }
        return new(null, null, timeout, metadata, id) { Inherited = inherited };
    }

    /// <summary>
    /// The context most calls send, a timeout alone (the client's <c>CallTimeout</c>), encoded once: its bytes are copied
    /// rather than written again for every call.
    /// </summary>
    private static TimeoutOnly? s_timeoutOnly;

    /// <summary>Writes the context as one bulk string argument.</summary>
    public void Write(IBufferWriter<byte> request)
    {
        if (Timeout is { } timeout && TraceParent is null && Id is null && Metadata is not { Count: > 0 } && !Inherited)
        {
            var cached = s_timeoutOnly;
            if (cached is null || cached.Timeout != timeout)
            {
                var encoded = new ArrayBufferWriter<byte>(32);
                WireContext.Write(encoded, new ArrayBufferWriter<byte>(32), null, null, timeout, null, null);
                s_timeoutOnly = cached = new TimeoutOnly(timeout, encoded.WrittenSpan.ToArray());
            }
            request.Write(cached.Request);
            return;
        }
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(256);
        WireContext.Write(request, scratch, TraceParent, TraceState, Timeout, Id, Metadata);
        if (scratch.Capacity > 64 * 1024)
        {
            t_scratch = null;
        }
    }

    /// <param name="Timeout">The timeout encoded.</param>
    /// <param name="Request">The context as a RESP bulk string.</param>
    private sealed record TimeoutOnly(TimeSpan Timeout, byte[] Request);
}
