using System.Diagnostics;
using Tino.Protocol;

namespace Tino.Pipeline;

/// <summary>
/// The first stage of every command: reads the call context a call may carry before its arguments (trace, deadline,
/// metadata), refuses a call that arrived after its deadline or with a malformed context, and arms the handler's token
/// for the deadline. A call without a context costs a look at its first argument's first byte.
/// </summary>
internal static class WireContextStage
{
    public static CommandMiddleware Read(string command) => next => context =>
    {
        var arguments = context.Arguments;
        return arguments.Count > 0 && WireContext.IsContext(arguments[0]) ? RunWithContext(next, context, command) : next(context);
    };

    private static ValueTask RunWithContext(CommandDelegate next, CommandContext context, string command)
    {
        var wire = context.WireContext;
        if (!wire.TryRead(context.Arguments[0], out var error))
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
            // A stream's token belongs to its cursor, which outlives the call that opens it: the deadline refuses late ones only.
            if (!context.OpensCursor)
            {
                context.StartDeadline(remaining.Value);
            }
        }
        context.Caller = wire;
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
        context.Caller = null;
        if (context.Deadline is not null)
        {
            context.EndDeadline();
        }
    }

    private static ValueTask Refuse(CommandContext context, string command, string code, string detail)
    {
        RespWriter.WriteError(context.Output, code, detail);
        TinoTelemetry.CallRefused(command, code);
        return default;
    }
}
