using System.Buffers;
using System.Diagnostics;

namespace Tino.Client;

/// <summary>The client's calls through its pipeline (middleware, resilience), and the ids that let a caller cancel a call on the server.</summary>
public sealed partial class TinoClient
{
    /// <summary>
    /// Sends a call as the last handler of the client's pipeline: one attempt, with its own client span and the call's
    /// metadata in its context. The cluster client sends each attempt through the endpoint it picks.
    /// </summary>
    internal ValueTask<ReadOnlyMemory<byte>> SendAsync(TinoCall call)
    {
        ArrayBufferWriter<byte> request;
        Activity? span = null;
        var id = CallIdFor(call.CancellationToken);
        try
        {
            span = TinoTelemetry.StartClientCall(call.Command, _endPoint);
            request = WriteRawRequest(call.Command, call.Arguments, OutgoingContext.For(span, _options, call.Metadata, id));
        }
        catch (Exception error)
        {
            if (span is not null)
            {
                TinoTelemetry.EndClientCall(span, error.GetType().Name);
            }
            return ValueTask.FromException<ReadOnlyMemory<byte>>(error);
        }
        return Send(call.Command, request, span, id, static (reply, _) => RequireBulk(reply).Bytes, call.CancellationToken).Task;
    }

    /// <summary>
    /// An id for a call its caller can cancel, so that cancelling it reaches the server (<c>TINO.CANCEL</c>); a call that
    /// cannot be cancelled gets none, and sends no bytes for it.
    /// </summary>
    private long? CallIdFor(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled && _options.SendCallContext ? Interlocked.Increment(ref _lastCallId) : null;

    /// <summary>A call for the pipeline: checked as a direct call is, its arguments encoded once, for every attempt.</summary>
    private TinoCall NewCall(CallPipeline pipeline, string command, ReadOnlySpan<TinoArg> arguments, CancellationToken cancellationToken)
    {
        Check(command, arguments.Length);
        return pipeline.NewCall(command, CallPipeline.Encode(arguments, _serializer), cancellationToken);
    }
}
