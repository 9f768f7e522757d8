using System.Collections.Concurrent;
using System.Net;
using Tino.Hosting;

namespace Tino.CSharp.TestKit;

/// <summary>Start-up and shut-down hooks in every shape the builder takes.</summary>
public static class Hooks
{
    /// <summary>Starts and stops a server whose hooks are given in each of the builder's shapes; returns what ran, in order.</summary>
    public static async Task<IReadOnlyList<string>> RunEveryShapeAsync()
    {
        var ran = new ConcurrentQueue<string>();
        var app = TinoApp.CreateBuilder()
            .OnStartup(async cancellation =>
            {
                await Task.Delay(1, cancellation);
                ran.Enqueue("start with a token");
            })
            .OnStartup(async () =>
            {
                await Task.Yield();
                ran.Enqueue("start as a task");
            })
            .OnStartup(() => ran.Enqueue("start as an action"))
            .OnShutdown(_ =>
            {
                ran.Enqueue("stop with a token");
                return Task.CompletedTask;
            })
            .OnShutdown(() => Task.Run(() => ran.Enqueue("stop as a task")))
            .OnShutdown(() => ran.Enqueue("stop as an action"))
            .Command("one", () => 1)
            .Build();
        await using (var server = new TinoServer(app))
        {
            await server.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        }
        return [.. ran];
    }
}
