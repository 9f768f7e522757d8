using System.Diagnostics;
using Tino.Client;

namespace Tino.Cli;

/// <summary>One benchmark run: the calls, shared out to every connection's in-flight slots, and each call's latency.</summary>
internal sealed class BenchRun(BenchSettings settings, ReadOnlyMemory<byte>[] arguments)
{
    private int _next = -1;
    private int _completed;
    private int _errors;

    /// <summary>Each call's latency in <see cref="Stopwatch"/> ticks, by call number.</summary>
    public long[] Latencies { get; } = new long[settings.Requests];

    public int Completed => Volatile.Read(ref _completed);

    public int Errors => Volatile.Read(ref _errors);

    public string? FirstError { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public async Task RunAsync(IReadOnlyList<TinoClient> clients, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        var workers = clients.SelectMany(client => Enumerable.Range(0, settings.Pipeline).Select(_ => Task.Run(() => WorkAsync(client, cancellation), cancellation)));
        await Task.WhenAll(workers).ConfigureAwait(false);
        Elapsed = Stopwatch.GetElapsedTime(started);
    }

    private async Task WorkAsync(TinoClient client, CancellationToken cancellation)
    {
        int call;
        while ((call = Interlocked.Increment(ref _next)) < Latencies.Length)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await client.CallRawAsync(settings.Command, arguments, cancellation).ConfigureAwait(false);
            }
            catch (Exception error) when (error is TinoRemoteException or TinoConnectionException or TimeoutException)
            {
                if (Interlocked.Increment(ref _errors) == 1)
                {
                    FirstError = error is TinoRemoteException remote ? TinoCommandLine.Describe(remote) : error.Message;
                }
            }
            Latencies[call] = Stopwatch.GetTimestamp() - start;
            Interlocked.Increment(ref _completed);
        }
    }
}
