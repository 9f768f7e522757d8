namespace Tino.Pipeline;

/// <summary>
/// The calls of one connection whose context gives an id, so that <c>TINO.CANCEL &lt;id&gt;</c> reaches them. A cancel
/// is read ahead while other calls run, so it can come before its call has started (the call is then refused with
/// CANCELLED) or while it runs (its token fires); the cancel's own reply, in its place, says whether it took effect.
/// </summary>
internal sealed class CallsById
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CommandContext> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cancelledBeforeStart = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cancelled = new(StringComparer.Ordinal);

    /// <summary>Registers a call as it starts; false when its cancel was read first, and the call must not run.</summary>
    public bool TryStart(string id, CommandContext context)
    {
        lock (_gate)
        {
            if (_cancelledBeforeStart.Remove(id))
            {
                _cancelled.Add(id);
                return false;
            }
            _running[id] = context;
            return true;
        }
    }

    /// <summary>Forgets a call that has ended; after this, a cancel cannot reach its token.</summary>
    public void End(string id)
    {
        lock (_gate)
        {
            _running.Remove(id);
        }
    }

    /// <summary>A cancel read ahead of its turn: fires the running call's token, or refuses the call when it starts.</summary>
    public void CancelEarly(string id)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(id, out var call))
            {
                _cancelled.Add(id);
                call.Cancellation.CancelByCaller();
            }
            else if (!_cancelled.Contains(id))
            {
                _cancelledBeforeStart.Add(id);
            }
        }
    }

    /// <summary>The cancel in its turn: applies it if it was not read ahead, and says whether it took effect.</summary>
    public bool Cancel(string id)
    {
        lock (_gate)
        {
            _cancelledBeforeStart.Remove(id);
            if (_cancelled.Remove(id))
            {
                return true;
            }
            if (_running.TryGetValue(id, out var call))
            {
                call.Cancellation.CancelByCaller();
                return true;
            }
            return false;
        }
    }
}
