using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Tino.CSharp.TestKit;

/// <summary>
/// Stream commands written as C# async iterators, recording what their producers did: each stream started, how far
/// it got, whether its cancellation token fired, and whether it was disposed.
/// </summary>
public sealed class Streams
{
    private long _produced;

    /// <summary>How many items <c>forever</c> has made, across every stream of it.</summary>
    public long Produced => Interlocked.Read(ref _produced);

    /// <summary>What the producers did, in order: <c>start forever</c>, <c>cancelled forever</c>, <c>end forever</c>, ...</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>Signalled each time a producer's cancellation token fires.</summary>
    public SemaphoreSlim Cancelled { get; } = new(0);

    /// <summary>Signalled each time a producer is disposed (its <c>finally</c> ran).</summary>
    public SemaphoreSlim Ended { get; } = new(0);

    /// <summary>The app; <paramref name="configure"/> changes its stream and event options.</summary>
    public TinoApp Build(Func<TinoOptions, TinoOptions>? configure = null) =>
        TinoApp.CreateBuilder()
            .UseAuth(password => password == "tinaspassword" ? "tina" : null)
            .ConfigureOptions(options => configure?.Invoke(options) ?? options)
            .Command("range", (int n) => AsyncEnumerable.Range(0, n))
            .Command("forever", (CancellationToken cancellation) => Forever(cancellation))
            .Command("slow", (int n, int ms, CancellationToken cancellation) => Slow(n, ms, cancellation))
            .Command("fail_after", (int n) => FailAfter(n, typed: true))
            .Command("crash_after", (int n) => FailAfter(n, typed: false))
            .Command("fail_now", (int n) => n > 0 ? AsyncEnumerable.Range(0, n) : throw new TinoException("REFUSED", "no stream for you"))
            .Command("later", async (int n) =>
            {
                await Task.Delay(20);
                return AsyncEnumerable.Range(0, n);
            })
            .Command("blobs", (int n, int size) => AsyncEnumerable.Range(0, n).Select(i => new byte[size]))
            .Command("points", (int n) => AsyncEnumerable.Range(0, n).Select(i => new Point(i, -i)))
            .Command("secret_range", (AuthRequired<string> auth, int n) => AsyncEnumerable.Range(0, n).Select(i => $"{auth.Value} {i}"))
            .Command("plain", () => 1)
            .Command("publish", (string channel, int v, Publisher events) => events.Publish(channel, v))
            .Command("publish_text", (string channel, string v, Publisher events) => events.Publish(channel, v))
            .Build();

    private async IAsyncEnumerable<long> Forever([EnumeratorCancellation] CancellationToken cancellation)
    {
        Events.Enqueue("start forever");
        var signalled = 0;
        void SignalCancelled()
        {
            if (Interlocked.Exchange(ref signalled, 1) == 0)
            {
                Events.Enqueue("cancelled forever");
                Cancelled.Release();
            }
        }
        using var registration = cancellation.Register(SignalCancelled);
        try
        {
            for (long i = 0; ; i++)
            {
                if (i % 32 == 0)
                {
                    await Task.Yield();
                }
                cancellation.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _produced);
                yield return i;
            }
        }
        finally
        {
            // Cancel() marks the token before it runs the callbacks: a producer that sees the mark and stops first
            // disposes the registration before its callback ran.
            if (cancellation.IsCancellationRequested)
            {
                SignalCancelled();
            }
            Events.Enqueue("end forever");
            Ended.Release();
        }
    }

    private async IAsyncEnumerable<int> Slow(int n, int ms, [EnumeratorCancellation] CancellationToken cancellation)
    {
        try
        {
            for (var i = 0; i < n; i++)
            {
                await Task.Delay(ms, cancellation);
                yield return i;
            }
        }
        finally
        {
            Events.Enqueue(cancellation.IsCancellationRequested ? "cancelled slow" : "end slow");
            if (cancellation.IsCancellationRequested)
            {
                Cancelled.Release();
            }
            Ended.Release();
        }
    }

    private static async IAsyncEnumerable<int> FailAfter(int n, bool typed)
    {
        for (var i = 0; i < n; i++)
        {
            yield return i;
        }
        await Task.Yield();
        throw typed ? new TinoException("BROKEN", $"failed after {n}") : new InvalidOperationException("the secret cause");
    }

    /// <summary>A record item.</summary>
    public sealed record Point(int X, int Y);
}
