using System.Diagnostics;
using System.Buffers;
using System.Text;
using MessagePack;
using Microsoft.Extensions.Logging;
using Tino.Protocol;

namespace Tino.Pipeline;

/// <summary>
/// The built-in stages of every command's pipeline, in order: the error boundary, the auth check,
/// argument decoding, the app's middleware, the connection state, and the compiled handler.
/// </summary>
internal static class PipelineStages
{
    /// <summary>Turns whatever the rest of the pipeline throws into the protocol's error reply.</summary>
    public static CommandMiddleware ErrorBoundary(ILogger logger, bool exposeMessages) => next => context =>
    {
        try
        {
            var pending = next(context);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                return default;
            }
            return Awaited(pending, context, logger, exposeMessages);
        }
        catch (Exception error)
        {
            context.ResultCode = WriteError(context.Output, context.Command.Name, Explained(error, context), context.Serializer, logger, exposeMessages);
            return default;
        }
    };

    /// <summary>
    /// A cancellation or a timeout once the call's deadline has passed (its token fired, or a call it made ran out of the
    /// deadline it passed on) is the caller's DEADLINE_EXCEEDED, and one its caller asked for is CANCELLED: neither is
    /// an unexpected error. Nor is a cancellation once the connection has closed: nobody is left to read the reply.
    /// </summary>
    private static Exception Explained(Exception error, CommandContext context) => error switch
    {
        OperationCanceledException or TimeoutException when context.HasOwnToken && context.Cancellation.DeadlinePassed =>
            new TinoException(ErrorCodes.DeadlineExceeded, "the call's deadline passed while it ran", error),
        OperationCanceledException when context.HasOwnToken && context.Cancellation.CancelledByCaller =>
            new TinoException(ErrorCodes.Cancelled, "the caller cancelled the call", error),
        OperationCanceledException when context.Connection.Closed.IsCancellationRequested =>
            new TinoException(ErrorCodes.Cancelled, "the connection closed", error),
        _ => error,
    };

    /// <summary>
    /// Measures each call (duration, result code) and opens its span, outside the error boundary so that
    /// it sees the code every reply carries. Costs a check and nothing more while nothing listens.
    /// </summary>
    public static CommandMiddleware Telemetry(string command) => next => context =>
    {
        if (!TinoTelemetry.CallsObserved)
        {
            return next(context);
        }
        context.ResultCode = null;
        var startedAt = Stopwatch.GetTimestamp();
        var activity = TinoTelemetry.StartCall(command, context.Caller?.Parent ?? default);
        var pending = next(context);
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            TinoTelemetry.EndCall(command, context.ResultCode, startedAt, activity);
            return default;
        }
        return Observed(pending, context, command, startedAt, activity);
    };

    private static async ValueTask Observed(ValueTask pending, CommandContext context, string command, long startedAt, Activity? activity)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            TinoTelemetry.EndCall(command, context.ResultCode, startedAt, activity);
        }
    }

    /// <summary>Refuses the call before its arguments are looked at when the connection has not authenticated.</summary>
    public static CommandMiddleware AuthCheck => next => context =>
        context.Connection.IsAuthenticated ? next(context) : throw CommandError.PermissionDenied();

    /// <summary>Checks the argument count and decodes every wire argument into the frame, synchronously, while the slices are valid.</summary>
    public static CommandMiddleware DecodeArguments(ArgumentBinder[] binders) => next => context =>
    {
        var count = context.Arguments.Count;
        if (count != binders.Length)
        {
            throw CommandError.ArgumentCount(binders.Length, count);
        }
        context.Frame.EnsureCapacity(binders.Length);
        for (var position = 0; position < binders.Length; position++)
        {
            binders[position].Bind(context, position);
        }
        var pending = next(context);
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            context.Frame.Release(binders.Length);
            return default;
        }
        return ReleaseAfter(pending, context, binders.Length);
    };

    /// <summary>Makes the connection's state the first time a command that uses it runs.</summary>
    public static CommandMiddleware ConnectionState(ConnectionStateFactory factory) => next => context =>
    {
        context.Connection.State ??= factory.NewState();
        return next(context);
    };

    private static async ValueTask Awaited(ValueTask pending, CommandContext context, ILogger logger, bool exposeMessages)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            context.ResultCode = WriteError(context.Output, context.Command.Name, Explained(error, context), context.Serializer, logger, exposeMessages);
        }
    }

    private static async ValueTask ReleaseAfter(ValueTask pending, CommandContext context, int slots)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            context.Frame.Release(slots);
        }
    }

    /// <summary>The most bytes of MessagePack a typed error value may take on its error line; a larger one is not sent.</summary>
    internal const int MaxErrorValueBytes = 16 * 1024;

    /// <summary>Writes the reply for what a command (or its stream's producer) threw, logging what the caller does not see.</summary>
    internal static string WriteError(IBufferWriter<byte> output, string command, Exception error, MessagePackSerializerOptions serializer, ILogger logger, bool exposeMessages)
    {
        if (error is TinoException typed && TinoException.IsValidCode(typed.Code))
        {
            RespWriter.WriteError(output, Encoding.ASCII.GetBytes(typed.Code), typed.Detail, DetailLimit(typed), EncodeErrorValue(typed, command, serializer, logger));
            return typed.Code;
        }
        var errorId = Guid.NewGuid().ToString("N")[..12];
        if (error is TinoException invalid)
        {
            PipelineLog.InvalidErrorCode(logger, command, invalid.Code, errorId, error);
        }
        else
        {
            PipelineLog.UnexpectedError(logger, command, errorId, error);
        }
        var message = exposeMessages ? $"{error.Message} (error id {errorId})" : $"unexpected error (error id {errorId})";
        RespWriter.WriteError(output, ErrorCodes.UnexpectedError, TinoException.JsonQuote(message));
        return ErrorCodes.UnexpectedError;
    }

    /// <summary>
    /// How long the error's detail may be on the line: a handler's message was cut before it was quoted, so its quoted
    /// form is kept whole; any other detail (the pipeline's own, one relayed from another server) is cut at 128 bytes.
    /// </summary>
    private static int DetailLimit(TinoException error) =>
        error.DetailIsQuotedMessage ? RespWriter.MaxQuotedMessageBytes : RespWriter.MaxErrorTextBytes;

    /// <summary>The MessagePack of a typed error's value, or nothing: for an error without one, or one that cannot be sent.</summary>
    private static ReadOnlySpan<byte> EncodeErrorValue(TinoException error, string command, MessagePackSerializerOptions serializer, ILogger logger)
    {
        if (!error.HasValue)
        {
            return default;
        }
        var value = new ArrayBufferWriter<byte>(64);
        try
        {
            error.WriteValue(value, serializer);
        }
        catch (Exception encoding)
        {
            PipelineLog.ErrorValueNotSent(logger, command, error.Code, "it could not be encoded", encoding);
            return default;
        }
        if (value.WrittenCount > MaxErrorValueBytes)
        {
            PipelineLog.ErrorValueNotSent(logger, command, error.Code, $"its {value.WrittenCount} bytes are over {MaxErrorValueBytes}", null);
            return default;
        }
        return value.WrittenSpan;
    }
}
