using System.Buffers;
using Tino.Hosting.Commands;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// Running what a request names: a built-in on the session, or the app command's pipeline, one call after another or,
/// above one call per connection, overlapping with their replies kept in request order.
/// </summary>
internal sealed partial class Connection
{
    /// <summary>
    /// Runs a built-in after the checks its table entry asks for, or replies INVALID_COMMAND for a name that is in no
    /// table, or Redis's refusal for a command the subscribed state does not allow.
    /// </summary>
    private bool RunBuiltin(ServerCommand? command, in ReadOnlySequence<byte> name, out ValueTask pending)
    {
        pending = default;
        if (command is null)
        {
            RespWriter.WriteError(_output, ErrorCodes.InvalidCommand, RespArgumentsExtensions.Text(name));
        }
        else if (_session.IsSubscribed && !command.AllowedWhileSubscribed)
        {
            _session.WriteRefusedWhileSubscribed(command.Name);
        }
        else if (!command.AcceptsArgumentCount(_arguments.Count))
        {
            _session.WriteWrongArgumentCount(command.Name);
        }
        else
        {
            pending = command.Builtin!(_session, _arguments);
            return !pending.IsCompletedSuccessfully;
        }
        return false;
    }

    private bool RunCommand(CompiledCommand command, out ValueTask pending)
    {
        if (_session.UsesJson)
        {
            pending = _session.Json.Call(command, _arguments, firstArgument: 0);
            return !pending.IsCompletedSuccessfully;
        }
        var context = _overlapCalls ? RentContext() : _session.CallContext;
        context.Command = command.Handler;
        context.Arguments = _arguments;
        var reply = command.Pipeline(context);
        if (!_overlapCalls)
        {
            pending = reply;
            if (!reply.IsCompletedSuccessfully)
            {
                return true;
            }
            reply.GetAwaiter().GetResult();
            return false;
        }
        if (reply.IsCompletedSuccessfully && _inFlight.Count == 0)
        {
            reply.GetAwaiter().GetResult();
            WriteReplyOf(context);
            pending = default;
            return false;
        }
        _inFlight.Enqueue((context, reply));
        if (_inFlight.Count < _maxInFlight)
        {
            pending = default;
            return false;
        }
        // Decided before the call: CompleteOldestAsync dequeues at once, so the count no longer says it must be awaited,
        // and a wait not awaited would write its reply whenever its call ended, out of request order.
        pending = CompleteOldestAsync();
        return true;
    }

    private CommandContext RentContext() =>
        _idleContexts.TryPop(out var context) ? context : _session.NewContext(new ArrayBufferWriter<byte>(256));

    private void WriteReplyOf(CommandContext context)
    {
        var reply = (ArrayBufferWriter<byte>)context.Output;
        _output.Write(reply.WrittenSpan);
        reply.ResetWrittenCount();
        _idleContexts.Push(context);
    }

    private async ValueTask CompleteOldestAsync()
    {
        var (context, reply) = _inFlight.Dequeue();
        await reply.ConfigureAwait(false);
        WriteReplyOf(context);
    }

    private async ValueTask DrainInFlightAsync()
    {
        while (_inFlight.Count > 0)
        {
            await CompleteOldestAsync().ConfigureAwait(false);
        }
    }
}
