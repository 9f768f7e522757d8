namespace Tino.Hosting;

/// <summary>
/// Wakes of subscriber connections held back while a connection runs the requests of one read, so that everything
/// those requests publish to one subscriber goes out in one write, as Redis writes each client's buffer once per turn
/// of its loop. Without it, a publisher's pipelined batch cost every subscriber one send per event. The scope is one
/// thread's synchronous run: an event published after an await, or from outside a connection, wakes at once.
/// </summary>
internal static class DeferredWakes
{
    [ThreadStatic]
    private static List<Action>? t_pending;

    [ThreadStatic]
    private static int t_depth;

    /// <summary>Holds back the wakes asked for on this thread until the matching <see cref="End"/>.</summary>
    public static void Begin() => t_depth++;

    /// <summary>Keeps <paramref name="wake"/> for the end of this thread's scope; false when no scope is open.</summary>
    public static bool TryDefer(Action wake)
    {
        if (t_depth == 0)
        {
            return false;
        }
        (t_pending ??= []).Add(wake);
        return true;
    }

    /// <summary>
    /// Closes the scope; the outermost one runs the wakes held back, each once per subscriber connection, here or,
    /// <paramref name="onThreadPool"/>, on the thread pool: a backplane's reader then goes on to its next event while
    /// the subscribers write, and the events it delivers meanwhile join their queues, to go out in the same write.
    /// </summary>
    public static void End(bool onThreadPool = false)
    {
        if (--t_depth > 0 || t_pending is not { Count: > 0 } pending)
        {
            return;
        }
        // A woken connection may run its own requests on this thread, inside a scope of its own: it gets a new list.
        t_pending = null;
        foreach (var wake in pending)
        {
            if (onThreadPool)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static wake => wake(), wake, preferLocal: false);
            }
            else
            {
                wake();
            }
        }
        pending.Clear();
        t_pending ??= pending;
    }
}
