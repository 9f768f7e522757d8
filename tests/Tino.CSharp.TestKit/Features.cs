using System.Collections.Concurrent;

namespace Tino.CSharp.TestKit;

/// <summary>An app using the builder's middleware, hooks and options, recording what ran.</summary>
public sealed class Features
{
    /// <summary>What ran, in order.</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>Builds the app.</summary>
    public TinoApp Build() =>
        TinoApp.CreateBuilder()
            .Use(next => context =>
            {
                Events.Enqueue($"outer {context.Command.Name}");
                return next(context);
            })
            .Use(async (context, next) =>
            {
                Events.Enqueue("inner before");
                await next(context);
                Events.Enqueue("inner after");
            })
            .OnStartup(_ =>
            {
                Events.Enqueue("startup");
                return Task.CompletedTask;
            })
            .OnShutdown(_ =>
            {
                Events.Enqueue("shutdown");
                return Task.CompletedTask;
            })
            .ConfigureOptions(options => options with { ExposeExceptionMessages = true })
            .Command("say", (string text) =>
            {
                Events.Enqueue($"handler {text}");
                return text;
            }, description: "Replies its argument.")
            .Command("crash", () => { throw new InvalidOperationException("exposed"); })
            .Build();
}
