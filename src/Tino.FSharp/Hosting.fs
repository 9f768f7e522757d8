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

    /// Starts a server for `app` on `host`:`port` (port 0 picks a free one; the server's `LocalEndPoint` tells it).
    /// Stop it with `StopAsync` or by disposing it.
    let start (host: string) (port: int) (app: TinoApp) : Task<TinoServer> =
        task {
            let server = new TinoServer(app)
            do! server.StartAsync(IPEndPoint(IPAddress.Parse host, port))
            return server
        }

    /// Serves `app` on `host`:`port`, logging through `loggerFactory`, until `cancellation` fires; then drains the
    /// connections and stops.
    let runAsync (loggerFactory: ILoggerFactory | null) (cancellation: CancellationToken) (host: string) (port: int) (app: TinoApp) : Task =
        TinoServer.RunAsync(app, host, port, loggerFactory, cancellation)

    /// Serves `app` on `host`:`port` (0 picks a free port), logging through `loggerFactory`. Once it accepts
    /// connections it prints `Tino listening on redis://<host>:<port>` (the real port) and flushes; on SIGINT
    /// (Ctrl+C) or SIGTERM it drains the connections, stops and returns. When it cannot listen (the port is in use,
    /// say) it prints why on stderr and exits the process with code 1, before any start-up hook has run.
    let runWith (loggerFactory: ILoggerFactory | null) (host: string) (port: int) (app: TinoApp) : unit =
        use stop = new CancellationTokenSource()
        let onSignal (context: PosixSignalContext) =
            context.Cancel <- true
            stop.Cancel()
        use sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal)
        use sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal)
        let server = new TinoServer(app, loggerFactory)
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

    /// `runWith` without logging: serves `app` until SIGINT or SIGTERM.
    let run (host: string) (port: int) (app: TinoApp) : unit = runWith null host port app
