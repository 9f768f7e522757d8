using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// Streams (PROTOCOL.md section 6): <c>ITER</c> runs a stream command through its own pipeline (auth, arguments,
/// middleware, errors as for any call) and keeps the stream as a cursor of this connection; <c>NEXT</c> replies
/// batches from it; <c>CLOSE</c>, an idle lifetime or the connection's end cancel its producer.
/// </summary>
internal sealed partial class Connection
{
    /// <summary>Items per batch when NEXT gives no count, and for ITER's first batch.</summary>
    private const int DefaultBatch = 64;

    /// <summary>NEXT's count is located like an argument: <c>["command","count"]</c>, an int32.</summary>
    private const string CountError = "[\"command\",\"count\"] \"count must be a positive integer\" \"int32\"";

    private readonly object _cursorGate = new();
    private readonly RespArguments _iterArguments = new();
    private Dictionary<long, StreamCursor>? _cursors;
    private long _lastCursorId;
    private Timer? _cursorSweep;
    private CommandContext? _iterContext;

    private StreamOptions Streams => _app.App.Options.Streams;

    /// <summary>ITER &lt;command&gt; &lt;args...&gt;: the command's pipeline opens a cursor, and its first batch is the reply.</summary>
    private bool Iter(out ValueTask pending)
    {
        pending = default;
        if (_arguments.Count < 1)
        {
            WrongArgumentCount("iter");
            return false;
        }
        if (!_app.Commands.TryGet(_arguments[0], out var command) || command.Handler.StreamItemType is null)
        {
            RespWriter.WriteError(_output, "INVALID_COMMAND"u8, _arguments.GetText(0));
            return false;
        }
        if (OpenCursors >= Streams.MaxOpenCursors)
        {
            RespWriter.WriteError(_output, "LIMIT_EXCEEDED"u8, "\"open cursors\"");
            return false;
        }
        _iterArguments.Clear();
        for (var i = 1; i < _arguments.Count; i++)
        {
            _iterArguments.Add(_arguments[i]);
        }
        var context = _iterContext ??= new CommandContext(Context) { Output = _output, Serializer = _app.Serializer };
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Context.Closed);
        context.Command = command.Handler;
        context.Arguments = _iterArguments;
        context.CancellationToken = cancellation.Token;
        context.OpensCursor = true;
        var repliedBefore = _output.UnflushedBytes;
        var call = command.Pipeline(context);
        if (!call.IsCompletedSuccessfully)
        {
            pending = OpenCursorAfterAsync(call, context, cancellation, repliedBefore);
            return true;
        }
        call.GetAwaiter().GetResult();
        return OpenCursor(context, cancellation, repliedBefore, out pending);
    }

    private async ValueTask OpenCursorAfterAsync(ValueTask call, CommandContext context, CancellationTokenSource cancellation, long repliedBefore)
    {
        await call.ConfigureAwait(false);
        if (OpenCursor(context, cancellation, repliedBefore, out var batch))
        {
            await batch.ConfigureAwait(false);
        }
    }

    /// <summary>Files the cursor the pipeline made and replies its first batch; when the pipeline replied itself (an error), there is none.</summary>
    private bool OpenCursor(CommandContext context, CancellationTokenSource cancellation, long repliedBefore, out ValueTask pending)
    {
        pending = default;
        var cursor = context.Cursor;
        context.Cursor = null;
        context.OpensCursor = false;
        context.CancellationToken = Context.Closed;
        context.Arguments = _iterArguments;
        if (cursor is null || _output.UnflushedBytes != repliedBefore)
        {
            // No stream came back, or the pipeline wrote a reply of its own after all (middleware): that is the reply.
            if (cursor is null)
            {
                cancellation.Dispose();
            }
            else
            {
                cursor.Own(cancellation);
                cursor.End(cancel: true);
            }
            return false;
        }
        cursor.Own(cancellation);
        cursor.CommandName = context.Command.Name;
        cursor.Busy = true;
        var id = ++_lastCursorId;
        cursor.Id = Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture));
        lock (_cursorGate)
        {
            (_cursors ??= [])[id] = cursor;
            TinoTelemetry.CursorOpened();
        }
        _cursorSweep ??= StartCursorSweep();
        return WriteBatch(cursor, DefaultBatch, out pending);
    }

    /// <summary>NEXT &lt;cursor&gt; [&lt;count&gt;].</summary>
    private bool Next(out ValueTask pending)
    {
        pending = default;
        if (_arguments.Count is < 1 or > 2)
        {
            WrongArgumentCount("next");
            return false;
        }
        var count = DefaultBatch;
        if (_arguments.Count == 2)
        {
            if (!_arguments.TryGetInteger(1, out var asked) || asked is < 1 or > int.MaxValue)
            {
                RespWriter.WriteError(_output, "VALIDATION_ERROR"u8, CountError);
                return false;
            }
            count = (int)asked;
        }
        if (!TryFindCursor(remove: false, out var cursor))
        {
            return false;
        }
        return WriteBatch(cursor, count, out pending);
    }

    /// <summary>CLOSE &lt;cursor&gt;: +OK once the producer's cancellation token has fired.</summary>
    private void Close()
    {
        if (_arguments.Count != 1)
        {
            WrongArgumentCount("close");
            return;
        }
        if (TryFindCursor(remove: true, out var cursor))
        {
            cursor.End(cancel: true);
            RespWriter.WriteOk(_output);
        }
    }

    private bool WriteBatch(StreamCursor cursor, int count, out ValueTask pending)
    {
        var batch = cursor.WriteBatchAsync(_output, count, Streams.PollTimeout);
        if (batch.IsCompletedSuccessfully)
        {
            AfterBatch(cursor, batch.Result);
            pending = default;
            return false;
        }
        pending = AfterBatchAsync(cursor, batch);
        return true;
    }

    private async ValueTask AfterBatchAsync(StreamCursor cursor, ValueTask<StreamBatchOutcome> batch) =>
        AfterBatch(cursor, await batch.ConfigureAwait(false));

    /// <summary>Replies a producer's error, and forgets a cursor that has ended.</summary>
    private void AfterBatch(StreamCursor cursor, StreamBatchOutcome outcome)
    {
        if (outcome == StreamBatchOutcome.Failed)
        {
            PipelineStages.WriteError(_output, cursor.CommandName, cursor.Error!, _app.Serializer, _logger, _app.App.Options.ExposeExceptionMessages);
        }
        lock (_cursorGate)
        {
            cursor.Busy = false;
            cursor.LastUsed = Stopwatch.GetTimestamp();
            if (outcome != StreamBatchOutcome.Open)
            {
                if (_cursors?.Remove(long.Parse(cursor.Id, CultureInfo.InvariantCulture)) == true)
                {
                    TinoTelemetry.CursorClosed();
                }
            }
        }
        if (outcome != StreamBatchOutcome.Open)
        {
            cursor.End(cancel: false);
        }
    }

    /// <summary>Finds the cursor named by the first argument (marking it busy, or taking it out of the table), or replies INVALID_CURSOR.</summary>
    private bool TryFindCursor(bool remove, out StreamCursor cursor)
    {
        var name = _arguments[0];
        lock (_cursorGate)
        {
            if (_cursors is not null && _arguments.TryGetInteger(0, out var id) && _cursors.TryGetValue(id, out cursor!) && cursor.Id.Length == name.Length)
            {
                if (remove)
                {
                    _cursors.Remove(id);
                    TinoTelemetry.CursorClosed();
                }
                else
                {
                    cursor.Busy = true;
                }
                return true;
            }
        }
        cursor = null!;
        RespWriter.WriteError(_output, "INVALID_CURSOR"u8, RespArgumentsExtensions.Text(name));
        return false;
    }

    private int OpenCursors
    {
        get
        {
            lock (_cursorGate)
            {
                return _cursors?.Count ?? 0;
            }
        }
    }

    private Timer StartCursorSweep()
    {
        var period = TimeSpan.FromTicks(Math.Clamp(Streams.CursorIdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond * 5));
        return new Timer(static connection => ((Connection)connection!).SweepIdleCursors(), this, period, period);
    }

    /// <summary>Ends the cursors nobody has read for the idle lifetime (on a timer thread).</summary>
    private void SweepIdleCursors()
    {
        List<StreamCursor>? expired = null;
        var lifetime = Streams.CursorIdleTimeout;
        lock (_cursorGate)
        {
            if (_cursors is null)
            {
                return;
            }
            foreach (var (id, cursor) in _cursors)
            {
                if (!cursor.Busy && Stopwatch.GetElapsedTime(cursor.LastUsed) > lifetime)
                {
                    (expired ??= []).Add(cursor);
                }
            }
            foreach (var cursor in expired ?? [])
            {
                _cursors.Remove(long.Parse(cursor.Id, CultureInfo.InvariantCulture));
                TinoTelemetry.CursorClosed();
            }
        }
        foreach (var cursor in expired ?? [])
        {
            SessionLog.CursorExpired(_logger, Id, Encoding.ASCII.GetString(cursor.Id), cursor.CommandName, lifetime.TotalSeconds);
            cursor.End(cancel: true);
        }
    }
}
