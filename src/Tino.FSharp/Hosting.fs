namespace Tino.FSharp

open System.IO
open System.Net
open System.Net.Sockets
open System.Runtime.InteropServices
open System.Threading
open System.Threading.Tasks
open Microsoft.Extensions.Logging
open Tino
open Tino.Hosting

/// Serving a Tino app.
[<RequireQualifiedAccess>]
module Tino =

    /// The app with its server events carried to its other instances by `backplane`: `event_backplane` in `tino { }`,
    /// for a backplane chosen when the program starts (`app |> Tino.withEventBackplane (RedisBackplane uri)`).
    let withEventBackplane (backplane: IEventBackplane) (app: TinoApp) : TinoApp =
        let options = app.Options
        let events = CSharpRecord.withProperty (nameof options.Events.Backplane) backplane options.Events
        app.WithOptions(CSharpRecord.withProperty (nameof options.Events) events options)

    /// <summary>
    /// Starts a server for <c>app</c> on <c>host</c>:<c>port</c> (port 0 picks a free one; the server's
    /// <c>LocalEndPoint</c> tells it) with the host options <c>options</c>: TLS, the most connections, timeouts.
    /// Stop it with <c>StopAsync</c> or by disposing it.
    /// </summary>
    /// <example><code>
    /// let! server = Tino.startWith (TinoHostOptions(MaxConnections = 1000, Tls = TinoTlsOptions.FromPemFiles("server.crt", "server.key"))) "0.0.0.0" 7534 app
    /// </code></example>
    let startWith (options: TinoHostOptions) (host: string) (port: int) (app: TinoApp) : Task<TinoServer> =
        task {
            let server = new TinoServer(app, options)
            do! server.StartAsync(IPEndPoint(IPAddress.Parse host, port))
            return server
        }

    /// `startWith` the default host options (`TinoHostOptions.Default`): plain TCP, 10,000 connections at most.
    let start (host: string) (port: int) (app: TinoApp) : Task<TinoServer> = startWith TinoHostOptions.Default host port app

    /// Serves `app` on `host`:`port` with the host options `options`, logging through `loggerFactory`, until
    /// `cancellation` fires; then drains the connections and stops.
    let runAsyncWith (options: TinoHostOptions) (loggerFactory: ILoggerFactory | null) (cancellation: CancellationToken) (host: string) (port: int) (app: TinoApp) : Task =
        TinoServer.RunAsync(app, host, port, options, loggerFactory, cancellation)

    /// `runAsyncWith` the default host options: serves `app` on `host`:`port`, logging through `loggerFactory`, until
    /// `cancellation` fires; then drains the connections and stops.
    let runAsync (loggerFactory: ILoggerFactory | null) (cancellation: CancellationToken) (host: string) (port: int) (app: TinoApp) : Task =
        runAsyncWith TinoHostOptions.Default loggerFactory cancellation host port app

    /// Serves `app` on `host`:`port` (0 picks a free port) with the host options `options`, logging through
    /// `loggerFactory`. Once it accepts connections it prints `Tino listening on redis://<host>:<port>` (the real
    /// port) and flushes; on SIGINT (Ctrl+C) or SIGTERM it drains the connections, stops and returns. When it cannot
    /// listen (the port is in use, say) it prints why on stderr and exits the process with code 1, before any start-up
    /// hook has run.
    let runWithOptions (options: TinoHostOptions) (loggerFactory: ILoggerFactory | null) (host: string) (port: int) (app: TinoApp) : unit =
        use stop = new CancellationTokenSource()
        let onSignal (context: PosixSignalContext) =
            context.Cancel <- true
            stop.Cancel()
        use sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal)
        use sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal)
        let server = new TinoServer(app, options, loggerFactory)
        try
            try
                server.StartAsync(IPEndPoint(IPAddress.Parse host, port)).GetAwaiter().GetResult()
            with :? IOException as error when (error.InnerException :? SocketException) ->
                eprintfn "Tino cannot start: %s" error.Message
                exit 1
            stdout.WriteLine $"Tino listening on redis://{host}:{(nonNull server.LocalEndPoint).Port}"
            stdout.Flush()
            stop.Token.WaitHandle.WaitOne() |> ignore
        finally
            server.DisposeAsync().AsTask().GetAwaiter().GetResult()

    /// `runWithOptions` the default host options: serves `app` on `host`:`port`, logging through `loggerFactory`,
    /// until SIGINT or SIGTERM.
    let runWith (loggerFactory: ILoggerFactory | null) (host: string) (port: int) (app: TinoApp) : unit =
        runWithOptions TinoHostOptions.Default loggerFactory host port app

    /// `runWith` without logging: serves `app` until SIGINT or SIGTERM.
    let run (host: string) (port: int) (app: TinoApp) : unit = runWith null host port app
