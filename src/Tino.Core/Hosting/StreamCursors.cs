using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>
/// The stream cursors of one session (PROTOCOL.md section 6): <c>ITER</c> runs a stream command through its own
/// pipeline (auth, arguments, middleware, errors as for any call) and keeps the stream as a cursor; <c>NEXT</c>
/// replies batches from it; <c>CLOSE</c>, an idle lifetime or the connection's end cancel its producer.
/// </summary>
internal sealed class StreamCursors(Session session)
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

    private StreamOptions Streams => session.App.App.Options.Streams;

    private PipeWriter Output => session.Output;

    private ConnectionContext Context => session.Context;

    /// <summary>The built-in ITER.</summary>
    public static ValueTask Iter(Session session, RespArguments arguments) => session.Cursors.Open(arguments);

    /// <summary>The built-in NEXT.</summary>
    public static ValueTask Next(Session session, RespArguments arguments) => session.Cursors.ReadNext(arguments);

    /// <summary>The built-in CLOSE.</summary>
    public static ValueTask Close(Session session, RespArguments arguments) => session.Cursors.End(arguments);

    /// <summary>ITER &lt;command&gt; &lt;args...&gt;: the command's pipeline opens a cursor, and its first batch is the reply.</summary>
    private ValueTask Open(RespArguments arguments)
    {
        var command = session.Commands.FindApp(arguments[0]);
        if (command is null || command.Handler.StreamItemType is null)
        {
            RespWriter.WriteError(Output, ErrorCodes.InvalidCommand, arguments.GetText(0));
            return default;
        }
        if (OpenCursors >= Streams.MaxOpenCursors)
        {
            RespWriter.WriteError(Output, ErrorCodes.LimitExceeded, "\"open cursors\"");
            return default;
        }
        _iterArguments.Clear();
        for (var i = 1; i < arguments.Count; i++)
        {
            _iterArguments.Add(arguments[i]);
        }
        var context = session.CallContext;
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Context.Closed);
        context.Command = command.Handler;
        context.Arguments = _iterArguments;
        context.CancellationToken = cancellation.Token;
        context.OpensCursor = true;
        var repliedBefore = Output.UnflushedBytes;
        var call = command.Pipeline(context);
        if (!call.IsCompletedSuccessfully)
        {
            return OpenAfterAsync(call, context, cancellation, repliedBefore);
        }
        call.GetAwaiter().GetResult();
        return FileCursor(context, cancellation, repliedBefore);
    }

    private async ValueTask OpenAfterAsync(ValueTask call, CommandContext context, CancellationTokenSource cancellation, long repliedBefore)
    {
        await call.ConfigureAwait(false);
        await FileCursor(context, cancellation, repliedBefore).ConfigureAwait(false);
    }

    /// <summary>Files the cursor the pipeline made and replies its first batch; when the pipeline replied itself (an error), there is none.</summary>
    private ValueTask FileCursor(CommandContext context, CancellationTokenSource cancellation, long repliedBefore)
    {
        var cursor = context.Cursor;
        context.Cursor = null;
        context.OpensCursor = false;
        context.CancellationToken = Context.Closed;
        context.Arguments = _iterArguments;
        if (cursor is null || Output.UnflushedBytes != repliedBefore)
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
            return default;
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
        return WriteBatch(cursor, DefaultBatch);
    }

    /// <summary>NEXT &lt;cursor&gt; [&lt;count&gt;].</summary>
    private ValueTask ReadNext(RespArguments arguments)
    {
        if (arguments.Count > 2)
        {
            session.WriteWrongArgumentCount("next");
            return default;
        }
        var count = DefaultBatch;
        if (arguments.Count == 2)
        {
            if (!arguments.TryGetInteger(1, out var asked) || asked is < 1 or > int.MaxValue)
            {
                RespWriter.WriteError(Output, ErrorCodes.ValidationError, CountError);
                return default;
            }
            count = (int)asked;
        }
        return TryFindCursor(arguments, remove: false, out var cursor) ? WriteBatch(cursor, count) : default;
    }

    /// <summary>CLOSE &lt;cursor&gt;: +OK once the producer's cancellation token has fired.</summary>
    private ValueTask End(RespArguments arguments)
    {
        if (TryFindCursor(arguments, remove: true, out var cursor))
        {
            cursor.End(cancel: true);
            RespWriter.WriteOk(Output);
        }
        return default;
    }

    /// <summary>Ends every cursor of a closing connection.</summary>
    public void EndAll()
    {
        _cursorSweep?.Dispose();
        StreamCursor[] open;
        lock (_cursorGate)
        {
            open = _cursors is null ? [] : [.. _cursors.Values];
            _cursors?.Clear();
            TinoTelemetry.CursorClosed(open.Length);
        }
        foreach (var cursor in open)
        {
            cursor.End(cancel: true);
        }
    }

    private ValueTask WriteBatch(StreamCursor cursor, int count)
    {
        var batch = cursor.WriteBatchAsync(Output, count, Streams.PollTimeout);
        if (batch.IsCompletedSuccessfully)
        {
            AfterBatch(cursor, batch.Result);
            return default;
        }
        return AfterBatchAsync(cursor, batch);
    }

    private async ValueTask AfterBatchAsync(StreamCursor cursor, ValueTask<StreamBatchOutcome> batch) =>
        AfterBatch(cursor, await batch.ConfigureAwait(false));

    /// <summary>Replies a producer's error, and forgets a cursor that has ended.</summary>
    private void AfterBatch(StreamCursor cursor, StreamBatchOutcome outcome)
    {
        if (outcome == StreamBatchOutcome.Failed)
        {
            PipelineStages.WriteError(Output, cursor.CommandName, cursor.Error!, session.App.Serializer, session.Logger, session.App.App.Options.ExposeExceptionMessages);
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
    private bool TryFindCursor(RespArguments arguments, bool remove, out StreamCursor cursor)
    {
        var name = arguments[0];
        lock (_cursorGate)
        {
            if (_cursors is not null && arguments.TryGetInteger(0, out var id) && _cursors.TryGetValue(id, out cursor!) && cursor.Id.Length == name.Length)
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
        RespWriter.WriteError(Output, ErrorCodes.InvalidCursor, RespArgumentsExtensions.Text(name));
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
        return new Timer(static cursors => ((StreamCursors)cursors!).SweepIdleCursors(), this, period, period);
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
            SessionLog.CursorExpired(session.Logger, session.Id, Encoding.ASCII.GetString(cursor.Id), cursor.CommandName, lifetime.TotalSeconds);
            cursor.End(cancel: true);
        }
    }
}
