using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tino.Hosting.Commands;
using Tino.Hosting.Transport;
using Tino.Pipeline;

namespace Tino.Hosting;

/// <summary>
/// Serves a <see cref="TinoApp"/> over TCP: any Redis client can call its commands.
/// </summary>
/// <example><code>
/// await using var server = new TinoServer(app);
/// await server.StartAsync(new IPEndPoint(IPAddress.Loopback, 7534));
/// </code></example>
public sealed partial class TinoServer : IAsyncDisposable
{
    private readonly AppPipeline _app;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, ServedConnection> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly Stopwatch _uptime = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _state; // 0 new, 1 started, 2 stopping or stopped

    /// <summary>
    /// Compiles <paramref name="app"/> for serving with the host options <paramref name="options"/> (null:
    /// <see cref="TinoHostOptions.Default"/>), logging through <paramref name="loggerFactory"/>; without one, warnings
    /// and errors (a handler's unexpected error with its id, a dropped subscriber) go to standard error.
    /// </summary>
    /// <exception cref="TinoBuildException">The app cannot be served; the message names the command.</exception>
    /// <exception cref="ArgumentException">A host option cannot work (a count below 1, a time not positive); the message names it.</exception>
    public TinoServer(TinoApp app, TinoHostOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        options ??= TinoHostOptions.Default;
        options.Check();
        Options = options;
        _logger = (loggerFactory ?? StandardErrorLogger.Instance).CreateLogger("Tino.Server");
        _app = AppPipeline.Build(app, _logger);
        Commands = new ServerCommands(_app);
    }

    /// <summary>Compiles <paramref name="app"/> for serving with <see cref="TinoHostOptions.Default"/>, logging through <paramref name="loggerFactory"/>.</summary>
    /// <exception cref="TinoBuildException">The app cannot be served; the message names the command.</exception>
    public TinoServer(TinoApp app, ILoggerFactory? loggerFactory)
        : this(app, null, loggerFactory)
    {
    }

    /// <summary>How the server serves its connections: TLS, limits, timeouts.</summary>
    public TinoHostOptions Options { get; }

    /// <summary>Where the server listens, with the real port when it was started on port 0; null before start.</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>How many connections are open.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Publishes server events to this server's subscribers; handlers can take it as a parameter instead.</summary>
    public Publisher Publisher => _app.Publisher;

    /// <summary>The built-ins and the app's commands, in the one table every connection looks requests up in.</summary>
    internal ServerCommands Commands { get; }

    /// <summary>
    /// Plain TCP connections run on Tino's epoll loops on Linux. The AppContext switch
    /// <c>Tino.Server.UseStreamTransport</c> (runtimeconfig or <see cref="AppContext.SetSwitch"/>) puts them on
    /// .NET's socket streams and the thread pool instead, as TLS connections always are.
    /// </summary>
    private static bool UseEventLoop { get; } =
        EventLoop.IsSupported && !(AppContext.TryGetSwitch("Tino.Server.UseStreamTransport", out var useStreams) && useStreams);

    /// <summary>
    /// Listens on <paramref name="endPoint"/>, runs the app's start-up hooks, then accepts connections (clients that
    /// connect while the hooks run wait in the listen queue). The hooks do not run when the server cannot listen.
    /// </summary>
    /// <exception cref="IOException">The address is in use, not this machine's, or not allowed; the message names it and says what to do. The <see cref="SocketException"/> is the inner exception.</exception>
    public async Task StartAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("A TinoServer starts once.");
        }
        Socket listener;
        try
        {
            listener = Listen(endPoint);
        }
        catch
        {
            Volatile.Write(ref _state, 0); // Nothing started: another address may be tried, and stopping has nothing to undo.
            throw;
        }
        _listener = listener;
        try
        {
            if (_app.App.Options.Events.Backplane is { } backplane)
            {
                _app.Publisher.Backplane = await backplane.ConnectAsync(_app.Publisher.DeliverFromBackplane, cancellationToken).ConfigureAwait(false);
            }
            foreach (var hook in _app.App.OnStartup)
            {
                await hook(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            listener.Dispose(); // Clients waiting in the listen queue are refused rather than left hanging.
            await LeaveBackplaneAsync().ConfigureAwait(false);
            throw;
        }
        _uptime.Start();
        ServerLog.Listening(_logger, listener.LocalEndPoint!);
        _acceptLoop = AcceptLoopAsync(listener);
    }

    /// <summary>A socket bound and listening on <paramref name="endPoint"/>, or an <see cref="IOException"/> that says why not.</summary>
    private static Socket Listen(IPEndPoint endPoint)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(512);
            return listener;
        }
        catch (SocketException error)
        {
            listener.Dispose();
            var why = error.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "is already in use (another process listens on it); pick another port or stop that process",
                SocketError.AddressNotAvailable => "is not an address of this machine; listen on one of its addresses, 127.0.0.1 or 0.0.0.0",
                SocketError.AccessDenied => "is not allowed to this process (ports below 1024 need privileges); pick a port above 1024",
                _ => $"cannot be listened on: {error.Message}",
            };
            throw new IOException($"{endPoint} {why}.", error);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops accepting, lets every connection finish the requests it has read and answer them,
    /// closes the connections, then runs the app's shut-down hooks. Calls still running after
    /// <see cref="TinoHostOptions.ShutdownTimeout"/> (or when <paramref name="cancellationToken"/> fires)
    /// see their cancellation token fire and their connection close.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        if (Options.DrainDelay > TimeSpan.Zero)
        {
            // Not ready from now on, but still serving: probes see it before connections are refused.
            ServerLog.Draining(_logger, Options.DrainDelay.TotalSeconds);
            try
            {
                await Task.Delay(Options.DrainDelay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // A caller in a hurry cuts the drain short.
            }
        }
        _stopAccepting.Cancel();
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);

        ServerLog.Stopping(_logger, _connections.Count);
        var open = _connections.Values.ToArray();
        foreach (var served in open)
        {
            served.Connection?.BeginStop();
        }
        var drained = Task.WhenAll(open.Select(c => c.Running));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ShutdownTimeout);
        try
        {
            await drained.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ServerLog.ShutdownTimedOut(_logger, _connections.Count);
            foreach (var served in _connections.Values)
            {
                served.Connection?.Abort();
            }
            await drained.ConfigureAwait(false);
        }
        await LeaveBackplaneAsync().ConfigureAwait(false);
        foreach (var hook in _app.App.OnShutdown)
        {
            await hook(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Leaves the app's event backplane, once the connections that could publish are closed.</summary>
    private async ValueTask LeaveBackplaneAsync()
    {
        if (_app.Publisher.Backplane is { } joined)
        {
            _app.Publisher.Backplane = null;
            await joined.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>
    /// Serves <paramref name="app"/> with the host options <paramref name="options"/> (null: <see cref="TinoHostOptions.Default"/>)
    /// on <paramref name="host"/> (an address or a name) and <paramref name="port"/> until <paramref name="cancellationToken"/>
    /// fires, then stops gracefully.
    /// </summary>
    public static async Task RunAsync(TinoApp app, string host, int port, TinoHostOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var address = IPAddress.TryParse(host, out var parsed)
            ? parsed
            : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false))[0];
        await using var server = new TinoServer(app, options, loggerFactory);
        await server.StartAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop: DisposeAsync drains.
        }
    }

    /// <summary>Serves <paramref name="app"/> with <see cref="TinoHostOptions.Default"/>, logging through <paramref name="loggerFactory"/> (see the overload with options).</summary>
    public static Task RunAsync(TinoApp app, string host, int port, ILoggerFactory? loggerFactory, CancellationToken cancellationToken = default) =>
        RunAsync(app, host, port, null, loggerFactory, cancellationToken);

    private async Task AcceptLoopAsync(Socket listener)
    {
        long acceptId = 0;
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopAccepting.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException && _stopAccepting.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // A connection that died between SYN and accept.
            }
            if (_connections.Count >= Options.MaxConnections)
            {
                ServerLog.ConnectionRefused(_logger, socket.RemoteEndPoint, _connections.Count);
                socket.Dispose();
                continue;
            }
            socket.NoDelay = true;
            var served = new ServedConnection();
            _connections[++acceptId] = served;
            served.Running = ServeAsync(acceptId, socket, served);
        }
    }

    /// <summary>Wraps the socket in TLS when the host options ask for it, then serves the connection until it ends.</summary>
    private async Task ServeAsync(long acceptId, Socket socket, ServedConnection served)
    {
        await Task.Yield(); // Off the accept loop.
        try
        {
            var closed = new CancellationTokenSource();
            var context = new ConnectionContext(socket.RemoteEndPoint, closed.Token);
            Connection connection;
            if (Options.Tls is { } tls)
            {
                var stream = await AuthenticateAsync(new NetworkStream(socket, ownsSocket: true), socket, tls).ConfigureAwait(false);
                if (stream is NetworkStream)
                {
                    return;
                }
                connection = new Connection(socket, stream, context, closed, this, _logger);
            }
            else
            {
                connection = UseEventLoop
                    ? new Connection(socket, new SocketChannel(socket), context, closed, this, _logger)
                    : new Connection(socket, new NetworkStream(socket, ownsSocket: true), context, closed, this, _logger);
            }
            served.Connection = connection;
            TinoTelemetry.ConnectionOpened();
            if (_stopAccepting.IsCancellationRequested)
            {
                connection.BeginStop(); // The stop began during the handshake (a drain delay still serves new connections).
            }
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception error)
        {
            ServerLog.ConnectionCrashed(_logger, acceptId, error);
            socket.Dispose();
        }
        finally
        {
            if (served.Connection is not null)
            {
                TinoTelemetry.ConnectionClosed();
            }
            _connections.TryRemove(acceptId, out _);
        }
    }

    /// <summary>The TLS handshake; on failure (a plaintext client, a timeout, a refused certificate) it logs, closes and gives back the plain stream.</summary>
    private async Task<Stream> AuthenticateAsync(Stream plain, Socket socket, TinoTlsOptions tls)
    {
        var secure = new SslStream(plain, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopAccepting.Token);
        timeout.CancelAfter(tls.HandshakeTimeout);
        try
        {
            await secure.AuthenticateAsServerAsync(tls.ToServerOptions(), timeout.Token).ConfigureAwait(false);
            return secure;
        }
        catch (Exception error) when (error is AuthenticationException or IOException or OperationCanceledException or SocketException)
        {
            ServerLog.TlsHandshakeFailed(_logger, socket.RemoteEndPoint, error.Message);
            await secure.DisposeAsync().ConfigureAwait(false);
            return plain;
        }
    }

    /// <summary>A connection from accept to close: its task, and the connection once its transport is ready.</summary>
    private sealed class ServedConnection
    {
        public Connection? Connection { get; set; }

        public Task Running { get; set; } = Task.CompletedTask;
    }
}
