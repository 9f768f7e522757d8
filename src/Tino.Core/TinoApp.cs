using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Tino.Pipeline;

namespace Tino;

/// <summary>
/// A Tino app: its commands, auth function, connection-state factory, hooks, middleware and options.
/// Immutable; both fronts build one, and the server compiles it into a pipeline.
/// </summary>
/// <example><code>
/// var app = TinoApp.Empty
///     .WithAuth(AuthHandler.Create((string password) =&gt; password == "secret" ? "tina" : null))
///     .WithCommand(CommandHandler.Create("add", (int a, int b) =&gt; a + b));
/// </code></example>
public sealed record TinoApp
{
    /// <summary>An app with no commands and default options.</summary>
    public static TinoApp Empty { get; } = new();

    /// <summary>The app's commands.</summary>
    public ImmutableArray<CommandHandler> Commands { get; init; } = [];

    /// <summary>The auth function behind <c>AUTH</c>; without one, AUTH is refused.</summary>
    public AuthHandler? Auth { get; init; }

    /// <summary>Makes each connection's private state.</summary>
    public ConnectionStateFactory? State { get; init; }

    /// <summary>Run, in order, before the server accepts its first connection.</summary>
    public ImmutableArray<Func<CancellationToken, Task>> OnStartup { get; init; } = [];

    /// <summary>Run, in order, after the server has drained its connections.</summary>
    public ImmutableArray<Func<CancellationToken, Task>> OnShutdown { get; init; } = [];

    /// <summary>Middleware around every command, outermost first.</summary>
    public ImmutableArray<CommandMiddleware> Middleware { get; init; } = [];

    /// <summary>Wire options and limits.</summary>
    public TinoOptions Options { get; init; } = TinoOptions.Default;

    /// <summary>This app with one more command.</summary>
    public TinoApp WithCommand(CommandHandler command) => this with { Commands = Commands.Add(command) };

    /// <summary>This app with one more command made from a delegate.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public TinoApp WithCommand(string name, Delegate handler) => WithCommand(CommandHandler.Create(name, handler));

    /// <summary>This app with an auth function.</summary>
    public TinoApp WithAuth(AuthHandler auth) => this with { Auth = auth };

    /// <summary>This app with a connection-state factory.</summary>
    public TinoApp WithState(ConnectionStateFactory state) => this with { State = state };

    /// <summary>This app with one more middleware, inside those already added.</summary>
    public TinoApp WithMiddleware(CommandMiddleware middleware) => this with { Middleware = Middleware.Add(middleware) };

    /// <summary>This app with one more start-up hook.</summary>
    public TinoApp WithStartup(Func<CancellationToken, Task> hook) => this with { OnStartup = OnStartup.Add(hook) };

    /// <summary>This app with one more shut-down hook.</summary>
    public TinoApp WithShutdown(Func<CancellationToken, Task> hook) => this with { OnShutdown = OnShutdown.Add(hook) };

    /// <summary>This app with other options.</summary>
    public TinoApp WithOptions(TinoOptions options) => this with { Options = options };

    /// <summary>
    /// Checks that the app can be served: names unique and not reserved, every handler bindable,
    /// magic parameters backed by an auth function or state factory of the right type.
    /// </summary>
    /// <exception cref="TinoBuildException">The app cannot be served; the message names the command.</exception>
    public void Validate() => _ = AppPipeline.Build(this);
}
