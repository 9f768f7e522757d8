using System.Diagnostics;
using Tino.Protocol;

namespace Tino.Pipeline;

/// <summary>
/// The first stage of every command: reads the call context a call may carry before its arguments (trace, deadline,
/// metadata), refuses a call that arrived after its deadline, was cancelled before it started, or has a malformed
/// context, and gives the handler a token of its own for the deadline and for <c>TINO.CANCEL</c>. A call without a context costs a look at its first argument's first byte.
/// </summary>
internal static class WireContextStage
{
    /// <param name="command">The command's name, for the measurements of a refused call.</param>
    /// <param name="inScope">
    /// Whether a call gets a token of its own and is the current call for the client calls its code makes
    /// (<see cref="ServesInScope"/>); otherwise its context is read, checked and shown to it, at no further cost.
    /// </param>
    public static CommandMiddleware Read(string command, bool inScope) => next => context =>
    {
        var arguments = context.Arguments;
        return arguments.Count > 0 && WireContext.IsContext(arguments[0]) ? RunWithContext(next, context, command, inScope) : next(context);
    };

    /// <summary>
    /// Whether anything in a command's pipeline can see a token or make a call in time: the app's middleware, a handler
    /// that takes a <see cref="CancellationToken"/> or <see cref="CallContext"/>, or one that is asynchronous or streams.
    /// A synchronous handler that takes neither (ADD) can do nothing with a deadline timer or a cancel, so it is not given one.
    /// </summary>
    public static bool ServesInScope(TinoApp app, CommandHandler handler) =>
        app.Middleware.Length > 0
        || handler.Parameters.Any(parameter => parameter.Source is ParameterSource.CancellationToken or ParameterSource.CallContext)
        || StreamShape.ReplyType(handler.ResultType) != handler.ResultType;

    private static ValueTask RunWithContext(CommandDelegate next, CommandContext context, string command, bool inScope)
    {
        var wire = context.WireContext;
        if (!wire.TryRead(context.Arguments[0], materialize: inScope || TinoTelemetry.CallsObserved, out var error))
        {
            return Refuse(context, command, ErrorCodes.InvalidContext, TinoException.JsonQuote(error));
        }
        context.Arguments.RemoveFirst();
        TimeSpan? remaining = null;
        if (wire.Timeout is { } timeout)
        {
            var readAt = context.Connection.LastReadAt;
            remaining = readAt == 0 ? timeout : timeout - Stopwatch.GetElapsedTime(readAt);
            if (remaining <= TimeSpan.Zero)
            {
                return Refuse(context, command, ErrorCodes.DeadlineExceeded, $"\"the call arrived after its {timeout.TotalMilliseconds:0} ms timeout; it was not run\"");
            }
        }
        if (wire.Id is { } id && !context.Connection.Calls.TryStart(id, context))
        {
            return Refuse(context, command, ErrorCodes.Cancelled, "\"the caller cancelled the call before it started; it was not run\"");
        }
        context.Caller = wire;
        if (!inScope)
        {
            return RunOutOfScope(next, context);
        }
        // A stream's token belongs to its cursor, which outlives the call that opens it: the deadline refuses late ones only.
        if ((remaining is not null || wire.Id is not null) && !context.OpensCursor)
        {
            context.StartOwnToken(remaining);
        }
        var previous = InboundCall.Enter(remaining, wire.Parent);
        ValueTask pending;
        try
        {
            pending = next(context);
        }
        catch
        {
            End(context);
            throw;
        }
        finally
        {
            InboundCall.Restore(previous);
        }
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            End(context);
            return default;
        }
        return EndAfter(pending, context);
    }

    /// <summary>A call whose handler is synchronous and takes no token: it runs to its end now, with nothing to arm.</summary>
    private static ValueTask RunOutOfScope(CommandDelegate next, CommandContext context)
    {
        try
        {
            return next(context);
        }
        finally
        {
            End(context);
        }
    }

    private static async ValueTask EndAfter(ValueTask pending, CommandContext context)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            End(context);
        }
    }

    private static void End(CommandContext context)
    {
        if (context.Caller?.Id is { } id)
        {
            // Forgotten before the token is reset, so that a cancel arriving now cannot fire the next call's token.
            context.Connection.Calls.End(id);
        }
        context.Caller = null;
        if (context.HasOwnToken)
        {
            context.EndOwnToken();
        }
    }

    private static ValueTask Refuse(CommandContext context, string command, string code, string detail)
    {
        RespWriter.WriteError(context.Output, code, detail);
        TinoTelemetry.CallRefused(command, code);
        return default;
    }
}
