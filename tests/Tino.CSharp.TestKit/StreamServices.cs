using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tino.CSharp.TestKit;

/// <summary>A service contract with a stream method.</summary>
public interface ICounter
{
    /// <summary>count: 0 .. n-1.</summary>
    IAsyncEnumerable<int> CountAsync(int n);
}

/// <summary>A counter made per call that logs each item and its own disposal.</summary>
public sealed class Counter(ConcurrentQueue<string> log) : ICounter, IAsyncDisposable
{
    /// <inheritdoc />
    public async IAsyncEnumerable<int> CountAsync(int n)
    {
        for (var i = 0; i < n; i++)
        {
            await Task.Yield();
            log.Enqueue($"item {i}");
            yield return i;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        log.Enqueue("disposed");
        return ValueTask.CompletedTask;
    }
}

/// <summary>Stream commands in the C# front's per-call scopes, and the publisher in the container.</summary>
public static class StreamServiceApps
{
    /// <summary><c>count</c> served by a new <see cref="Counter"/> per call.</summary>
    public static TinoApp PerCall(ConcurrentQueue<string> log) =>
        TinoApp.CreateBuilder().MapService<ICounter>(() => new Counter(log)).Build();

    /// <summary><c>scoped_count</c>: a stream handler taking a scoped service, counted by <paramref name="tracker"/>.</summary>
    public static TinoApp Scoped(Tracker tracker)
    {
        var services = new ServiceCollection().AddSingleton(tracker).AddScoped<IScoped, Scoped>().BuildServiceProvider();
        return TinoApp.CreateBuilder()
            .UseServices(services)
            .Command("scoped_count", (int n, IScoped scoped) => AsyncEnumerable.Range(scoped.Number * 100, n))
            .Build();
    }

    /// <summary>The hosted server's publisher, as app code gets it from the container.</summary>
    public static Publisher PublisherOf(IHost host) => host.Services.GetRequiredService<Publisher>();
}
