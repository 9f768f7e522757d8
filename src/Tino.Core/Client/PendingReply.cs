using System.Buffers;
using System.Diagnostics;
using System.Threading.Tasks.Sources;
using MessagePack;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>A caller waiting for the reply to its request, in the connection's FIFO.</summary>
internal abstract class PendingReply
{
    public long StartedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>The command waited on, for the client's measurements; null for the client's own requests (AUTH).</summary>
    public string? Command { get; init; }

    /// <summary>The call's client span, when anything listens to the client's activity source.</summary>
    public Activity? Activity { get; init; }

    /// <summary>
    /// The id the call's context gave it: cancelling the wait then also cancels the call on the server, with
    /// <c>TINO.CANCEL &lt;id&gt;</c> on the connection it was sent on. Null: the call has none.
    /// </summary>
    public long? CancelId { get; init; }

    /// <summary>The connection the request was written on, once it was.</summary>
    public ClientConnection? SentOn { get; set; }

    /// <summary>Asks the server to cancel the call, when it has an id and was sent; the cancel's own reply is read and dropped.</summary>
    protected void CancelOnServer()
    {
        if (CancelId is { } id && SentOn is { } connection)
        {
            var request = new ArrayBufferWriter<byte>(48);
            RespWriter.WriteArrayHeader(request, 2);
            RespWriter.WriteBulkString(request, "TINO.CANCEL"u8);
            RespWriter.WriteBulkString(request, System.Text.Encoding.ASCII.GetBytes(id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            connection.TrySend(new PendingReply<RespReply>(static (reply, _) => reply, Serialization.TinoMessagePack.DefaultOptions, default), request.WrittenSpan);
        }
    }

    /// <summary>Reports the call's outcome to the client's meter and ends its span, when anything listens.</summary>
    protected void Observe(Exception? error)
    {
        var code = error is null ? null : (error as TinoException)?.Code ?? error.GetType().Name;
        if (Activity is not null)
        {
            TinoTelemetry.EndClientCall(Activity, code);
        }
        if (Command is not null && TinoTelemetry.ClientCallsObserved)
        {
            TinoTelemetry.ClientCall(Command, code, StartedAt);
        }
    }

    /// <summary>The reply arrived: complete with its value or its error. A caller that has gone (cancelled, timed out) ignores it.</summary>
    public abstract void Complete(RespReply reply);

    /// <summary>Whether a bulk string reply may be decoded where it lies in the receive buffer (<see cref="CompleteInPlace"/>).</summary>
    public virtual bool DecodesInPlace => false;

    /// <summary>The reply is a bulk string: decode it now, from the receive buffer, which moves on after this call.</summary>
    public virtual void CompleteInPlace(in ReadOnlySequence<byte> bulk) => Complete(RespReply.BulkString(bulk.ToArray()));

    /// <summary>Ends the wait with an error; no effect once the wait has ended.</summary>
    public abstract void Fail(Exception error);

    /// <summary>Whether the wait has ended: replied, failed, cancelled or timed out.</summary>
    public abstract bool HasEnded { get; }
}

/// <summary>The wait of one call for a reply of type <typeparamref name="T"/>: a task source completed once, by the reply, a failure, cancellation or the call timeout.</summary>
internal sealed class PendingReply<T> : PendingReply, IValueTaskSource<T>, IValueTaskSource
{
    private readonly Func<RespReply, MessagePackSerializerOptions, T> _decode;
    private readonly MessagePackSerializerOptions _options;
    private ManualResetValueTaskSourceCore<T> _source = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private int _ended;

    public PendingReply(Func<RespReply, MessagePackSerializerOptions, T> decode, MessagePackSerializerOptions options, CancellationToken cancellationToken)
    {
        _decode = decode;
        _options = options;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((PendingReply<T>)state!).Cancel(token), this);
        }
    }

    /// <summary>Decodes a bulk string reply's MessagePack where it lies; null: the reply is copied out and given to the decoder.</summary>
    public BulkDecoder<T>? DecodeBulk { get; init; }

    /// <summary>Makes a value of an error reply (an F# <c>Result</c>'s <c>Error</c>), or rethrows it; null: every error fails the call.</summary>
    public Func<TinoRemoteException, MessagePackSerializerOptions, T>? DecodeError { get; init; }

    public ValueTask<T> Task => new(this, _source.Version);

    /// <summary>The same wait, for a caller that wants only the outcome, not the value.</summary>
    public ValueTask VoidTask => new(this, _source.Version);

    public override void Complete(RespReply reply)
    {
        if (Volatile.Read(ref _ended) != 0)
        {
            return;
        }
        T value;
        try
        {
            if (reply.Kind != RespReplyKind.Error)
            {
                value = _decode(reply, _options);
            }
            else if (DecodeError is null)
            {
                Fail(ErrorReplies.ToFailure(reply.Bytes.Span));
                return;
            }
            else
            {
                value = DecodeError(ErrorReplies.ToException(reply.Bytes.Span), _options);
            }
        }
        catch (Exception error)
        {
            Fail(error);
            return;
        }
        Succeed(value);
    }

    public override bool DecodesInPlace => DecodeBulk is not null;

    public override void CompleteInPlace(in ReadOnlySequence<byte> bulk)
    {
        if (Volatile.Read(ref _ended) != 0)
        {
            return;
        }
        T value;
        try
        {
            value = DecodeBulk!(bulk, _options);
        }
        catch (Exception error)
        {
            Fail(error);
            return;
        }
        Succeed(value);
    }

    private void Succeed(T value)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _cancellation.Dispose();
            Observe(null);
            _source.SetResult(value);
        }
    }

    public override bool HasEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>The caller's token fired: the wait ends, and the server is asked to cancel the call.</summary>
    private void Cancel(CancellationToken token)
    {
        if (Volatile.Read(ref _ended) == 0)
        {
            Fail(new OperationCanceledException(token));
            CancelOnServer();
        }
    }

    public override void Fail(Exception error)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _cancellation.Dispose();
            Observe(error);
            _source.SetException(error);
        }
    }

    T IValueTaskSource<T>.GetResult(short token) => _source.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);

    ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}

/// <summary>Decodes a reply's MessagePack from the bytes where they were received.</summary>
internal delegate T BulkDecoder<T>(in ReadOnlySequence<byte> bytes, MessagePackSerializerOptions options);
