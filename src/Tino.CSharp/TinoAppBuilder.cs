using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Tino;

/// <summary>
/// Builds a <see cref="TinoApp"/> the way ASP.NET Core minimal APIs build an app: commands from lambdas,
/// method groups or service interfaces, plus auth, connection state, middleware, hooks and options.
/// It collects its configuration, builds once, and refuses changes after <see cref="Build"/>.
/// </summary>
/// <example><code>
/// var app = TinoApp.CreateBuilder()
///     .UseAuth(password =&gt; passwords.GetValueOrDefault(password))
///     .UseConnectionState(() =&gt; 0)
///     .Command("add", (int a, int b) =&gt; a + b)
///     .Command("whoami", (AuthRequired&lt;string&gt; auth) =&gt; auth.Value)
///     .MapService&lt;INotes&gt;(new NotesService())
///     .Build();
/// await app.RunAsync("127.0.0.1", 7534);
/// </code></example>
public sealed class TinoAppBuilder
{
    private readonly List<Func<ServiceBinding, IEnumerable<CommandHandler>>> _commands = [];
    private readonly List<CommandMiddleware> _middleware = [];
    private readonly List<Func<CancellationToken, Task>> _onStartup = [];
    private readonly List<Func<CancellationToken, Task>> _onShutdown = [];
    private AuthHandler? _auth;
    private ConnectionStateFactory? _state;
    private TinoOptions _options = TinoOptions.Default;
    private IServiceProvider? _services;
    private TinoApp? _built;

    /// <summary>Starts an empty builder; <c>TinoApp.CreateBuilder()</c> does the same.</summary>
    public TinoAppBuilder()
    {
    }

    /// <summary>The container handler parameters and mapped services are resolved from, if any.</summary>
    public IServiceProvider? Services => _services;

    /// <summary>
    /// Adds a command. The handler is any delegate or method group, synchronous or returning <see cref="Task"/>,
    /// <see cref="Task{T}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{T}"/>, or <see cref="IAsyncEnumerable{T}"/>
    /// for a stream command (read whole, or with ITER / NEXT). Its parameters are, in any order,
    /// wire arguments (one MessagePack value each, by position), magic parameters (<see cref="AuthRequired{T}"/>,
    /// <see cref="Auth{T}"/>, <see cref="ConnState{T}"/>, <see cref="CancellationToken"/>, <see cref="Publisher"/>) and
    /// services (see <see cref="FromServicesAttribute"/>), resolved per call from a fresh scope of <see cref="Services"/>
    /// (for a stream, a scope that lasts until the stream ends).
    /// </summary>
    /// <param name="name">The command's name, matched case-insensitively.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="description">A one-line description, shown in listings.</param>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public TinoAppBuilder Command(string name, Delegate handler, string? description = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(_commands, binding => [binding.Bind(name, handler, description)]);
    }

    /// <summary>
    /// Adds a command described as a record. Tino's C# source generator turns each <c>Command(name, handler)</c> call it
    /// can see into this, with the handler's description read at compile time and a <see cref="CommandHandler.Binder"/>
    /// that binds it without reflection. A wire parameter the container provides is resolved per call from a fresh scope,
    /// as for <see cref="Command(string, Delegate, string?)"/>.
    /// </summary>
    /// <param name="handler">The command.</param>
    public TinoAppBuilder Command(CommandHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(_commands, binding => [binding.Bind(handler, handler.Invoke)]);
    }

    /// <summary>
    /// Adds commands described once the app is built, when its container is known: Tino's C# source generator turns a
    /// <c>Command</c> call whose handler takes <see cref="FromServicesAttribute"/> parameters, and the per-call
    /// <c>MapService</c> calls, into this. The records it returns resolve their services per call, from scopes that
    /// <see cref="ServiceBinding.Scopes"/> opens, and are added as they are.
    /// </summary>
    /// <param name="describe">Given the app's services, the commands.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TinoAppBuilder Commands(Func<ServiceBinding, IEnumerable<CommandHandler>> describe)
    {
        ArgumentNullException.ThrowIfNull(describe);
        return Add(_commands, describe);
    }

    /// <summary>
    /// Makes every method of the interface <typeparamref name="TContract"/> a command served by one
    /// <paramref name="instance"/>. A command's name is the method's <see cref="CommandNameAttribute"/> if it has one,
    /// else its name without a trailing <c>Async</c>, in snake_case: <c>GetNoteAsync</c> is <c>get_note</c>.
    /// </summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public TinoAppBuilder MapService<TContract>(TContract instance)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Add(_commands, _ => ServiceContract.Bind(instance));
    }

    /// <summary>
    /// Makes every method of the interface <typeparamref name="TContract"/> a command (named as for
    /// <see cref="MapService{TContract}(TContract)"/>) served by a new instance per call, made by
    /// <paramref name="factory"/> and disposed after the call when it is disposable.
    /// </summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public TinoAppBuilder MapService<TContract>(Func<TContract> factory)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Add(_commands, _ => ServiceContract.Bind(factory));
    }

    /// <summary>
    /// Makes every method of the interface <typeparamref name="TContract"/> a command (named as for
    /// <see cref="MapService{TContract}(TContract)"/>) served by the <typeparamref name="TContract"/> that
    /// <see cref="Services"/> resolves in a fresh scope per call.
    /// </summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public TinoAppBuilder MapService<TContract>()
        where TContract : class =>
        Add(_commands, binding => binding.BindContract<TContract>());

    /// <summary>Authenticates <c>AUTH</c> by its password: the function returns the connection's auth value, or null to refuse.</summary>
    public TinoAppBuilder UseAuth<T>(Func<string, T?> authenticate)
        where T : notnull =>
        Set(ref _auth, AuthHandler.Create(authenticate));

    /// <summary>Authenticates <c>AUTH</c> asynchronously from its whole credentials (user name and password).</summary>
    public TinoAppBuilder UseAuth<T>(Func<AuthCredentials, CancellationToken, ValueTask<T?>> authenticate)
        where T : notnull =>
        Set(ref _auth, AuthHandler.Create(authenticate));

    /// <summary>Gives each connection a fresh state made by <paramref name="create"/>, handed to handlers as <see cref="ConnState{T}"/>.</summary>
    public TinoAppBuilder UseConnectionState<T>(Func<T> create) => Set(ref _state, ConnectionStateFactory.Create(create));

    /// <summary>Adds a middleware around every command, inside those already added.</summary>
    public TinoAppBuilder Use(CommandMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return Add(_middleware, middleware);
    }

    /// <summary>Adds an inline middleware: it gets the call and the rest of the pipeline, which it may run or not.</summary>
    /// <example><code>.Use(async (context, next) =&gt; { var started = Stopwatch.GetTimestamp(); await next(context); Log(started); })</code></example>
    public TinoAppBuilder Use(Func<CommandContext, CommandDelegate, ValueTask> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return Use(next => context => middleware(context, next));
    }

    /// <summary>
    /// Runs <paramref name="hook"/> when the server starts: once it listens, before it accepts its first connection
    /// (clients that connect meanwhile wait). Hooks run in the order added; one that throws fails the start. The hook is
    /// a <c>Func&lt;CancellationToken, Task&gt;</c>, given the token passed to the server's start (the host's start-up
    /// token); the overloads take a <c>Func&lt;Task&gt;</c> or an <c>Action</c>.
    /// </summary>
    /// <example><code>
    /// .OnStartup(async cancellation =&gt; await database.OpenAsync(cancellation))
    /// .OnStartup(() =&gt; database.MigrateAsync())
    /// .OnStartup(() =&gt; Console.WriteLine("starting"))
    /// </code></example>
    public TinoAppBuilder OnStartup(Func<CancellationToken, Task> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return Add(_onStartup, hook);
    }

    /// <summary>Runs <paramref name="hook"/> when the server starts (see <see cref="OnStartup(Func{CancellationToken, Task})"/>): <c>.OnStartup(() =&gt; database.OpenAsync())</c>.</summary>
    public TinoAppBuilder OnStartup(Func<Task> hook) => OnStartup(Hook(hook));

    /// <summary>Runs <paramref name="hook"/> when the server starts (see <see cref="OnStartup(Func{CancellationToken, Task})"/>): <c>.OnStartup(() =&gt; Console.WriteLine("starting"))</c>.</summary>
    public TinoAppBuilder OnStartup(Action hook) => OnStartup(Hook(hook));

    /// <summary>
    /// Runs <paramref name="hook"/> when the server stops, after it has drained its connections; hooks run in the order
    /// added, given <see cref="CancellationToken.None"/>. Like <see cref="OnStartup(Func{CancellationToken, Task})"/>, it
    /// takes a <c>Func&lt;CancellationToken, Task&gt;</c>, a <c>Func&lt;Task&gt;</c> or an <c>Action</c>.
    /// </summary>
    /// <example><code>.OnShutdown(() =&gt; database.CloseAsync())</code></example>
    public TinoAppBuilder OnShutdown(Func<CancellationToken, Task> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return Add(_onShutdown, hook);
    }

    /// <summary>Runs <paramref name="hook"/> when the server stops (see <see cref="OnShutdown(Func{CancellationToken, Task})"/>).</summary>
    public TinoAppBuilder OnShutdown(Func<Task> hook) => OnShutdown(Hook(hook));

    /// <summary>Runs <paramref name="hook"/> when the server stops (see <see cref="OnShutdown(Func{CancellationToken, Task})"/>).</summary>
    public TinoAppBuilder OnShutdown(Action hook) => OnShutdown(Hook(hook));

    /// <summary>Changes the app's options and limits.</summary>
    /// <example><code>.ConfigureOptions(options =&gt; options with { MaxConcurrentCallsPerConnection = 8 })</code></example>
    public TinoAppBuilder ConfigureOptions(Func<TinoOptions, TinoOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Set(ref _options, configure(_options) ?? throw new InvalidOperationException("ConfigureOptions must return options."));
    }

    /// <summary>
    /// Carries the app's server events to the subscribers of its other instances (<see cref="EventOptions.Backplane"/>):
    /// <c>.UseEventBackplane(new RedisBackplane("redis://redis:6379"))</c> with <c>Tino.Redis</c>.
    /// </summary>
    public TinoAppBuilder UseEventBackplane(IEventBackplane backplane)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        return ConfigureOptions(options => options with { Events = options.Events with { Backplane = backplane } });
    }

    /// <summary>Resolves services from <paramref name="services"/>: handler parameters that are services, and <see cref="MapService{TContract}()"/>.</summary>
    public TinoAppBuilder UseServices(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Set(ref _services, services);
    }

    /// <summary>
    /// Builds the app and checks it (<see cref="TinoApp.Validate"/>). After it has succeeded the builder takes no
    /// more changes, and building again returns the same app.
    /// </summary>
    /// <exception cref="TinoBuildException">The app cannot be served; the message names the command at fault.</exception>
    public TinoApp Build()
    {
        if (_built is not null)
        {
            return _built;
        }
        var binding = new ServiceBinding(_services);
        var app = TinoApp.Empty with
        {
            Commands = [.. _commands.SelectMany(describe => describe(binding))],
            Auth = _auth,
            State = _state,
            Middleware = [.. _middleware],
            OnStartup = [.. _onStartup],
            OnShutdown = [.. _onShutdown],
            Options = _options,
        };
        app.Validate();
        _built = app;
        return app;
    }

    /// <summary>A hook that takes no token, in the shape the app keeps.</summary>
    private static Func<CancellationToken, Task> Hook(Func<Task> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return _ => hook();
    }

    /// <summary>A synchronous hook, in the shape the app keeps.</summary>
    private static Func<CancellationToken, Task> Hook(Action hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return _ =>
        {
            hook();
            return Task.CompletedTask;
        };
    }

    private TinoAppBuilder Add<T>(List<T> list, T item)
    {
        EnsureOpen();
        list.Add(item);
        return this;
    }

    private TinoAppBuilder Set<T>(ref T field, T value)
    {
        EnsureOpen();
        field = value;
        return this;
    }

    private void EnsureOpen()
    {
        if (_built is not null)
        {
            throw new InvalidOperationException("This TinoAppBuilder has already built its app and takes no more changes; use a new builder for another app.");
        }
    }
}
