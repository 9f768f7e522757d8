using System.Diagnostics;

namespace Tino.Pipeline;

/// <summary>
/// The token of one call at a time whose context asks for one (a deadline, or an id to be cancelled by): it fires at the
/// deadline, when the caller cancels the call (<c>TINO.CANCEL</c>), or when the connection closes. Its source is reused
/// from call to call (reset, or replaced once it has fired), so a call with a context allocates none.
/// </summary>
internal sealed class CallCancellation(CancellationToken connectionClosed)
{
    private CancellationTokenSource? _source;
    private long _deadlineAt;
    private volatile bool _cancelledByCaller;

    /// <summary>Whether the call had a deadline and it has passed (by the clock, or by the timer that fired the token).</summary>
    public bool DeadlinePassed =>
        _deadlineAt != 0 && (Stopwatch.GetTimestamp() >= _deadlineAt || (FiredByItself && !_cancelledByCaller));

    /// <summary>Whether the caller cancelled the call.</summary>
    public bool CancelledByCaller => _cancelledByCaller;

    private bool FiredByItself => _source is { IsCancellationRequested: true } && !connectionClosed.IsCancellationRequested;

    /// <summary>The call's token, which also fires in <paramref name="timeout"/> when one is given.</summary>
    public CancellationToken Start(TimeSpan? timeout)
    {
        _source ??= CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        if (timeout is { } remaining)
        {
            _source.CancelAfter(remaining);
            _deadlineAt = Stopwatch.GetTimestamp() + (long)(remaining.TotalSeconds * Stopwatch.Frequency);
        }
        return _source.Token;
    }

    /// <summary>Fires the call's token for its caller; called under the connection's <see cref="CallsById"/> lock, while the call runs.</summary>
    public void CancelByCaller()
    {
        _cancelledByCaller = true;
        _source?.Cancel();
    }

    /// <summary>Ends the call: the source is reset for the next one, or replaced when it fired.</summary>
    public void End()
    {
        if (_source is not null && !_source.TryReset())
        {
            _source.Dispose();
            _source = null;
        }
        _deadlineAt = 0;
        _cancelledByCaller = false;
    }
}
