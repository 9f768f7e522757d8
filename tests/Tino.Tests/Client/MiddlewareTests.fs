/// Client middleware and resilience: middleware on both sides reads the metadata, and a retry repeats an idempotent call
/// after its server was killed, and never a command that is not idempotent.
module Tino.Tests.Client.MiddlewareTests

open System
open System.Collections.Concurrent
open System.Net
open System.Threading
open System.Threading.Tasks
open Expecto
open Polly
open Tino
open Tino.Client
open Tino.FSharp
open Tino.Hosting
open Tino.Tests.Hosting.TestServer

let private start (port: int) (options: TinoHostOptions) (app: TinoApp) =
    let server = new TinoServer(app, options)
    server.StartAsync(IPEndPoint(IPAddress.Loopback, port)).GetAwaiter().GetResult()
    server

let private stop (server: TinoServer) = server.DisposeAsync().AsTask().GetAwaiter().GetResult()

let private connect (port: int) (options: TinoClientOptions) =
    TinoClient.ConnectAsync(IPEndPoint(IPAddress.Loopback, port), options).GetAwaiter().GetResult()

let private noArguments : TinoArg[] = [||]

/// A server whose `read` (idempotent) and `write` (not) record their calls and, on the first server, never reply.
let private flaky (name: string) (calls: ConcurrentQueue<string>) (hangs: bool) =
    let run (command: string) (token: CancellationToken) =
        task {
            calls.Enqueue $"{name}:{command}"
            if hangs then
                do! Task.Delay(Timeout.Infinite, token)
            return name
        }
    tino {
        command "read" (fun (token: CancellationToken) -> run "read" token)
        command "write" (fun (token: CancellationToken) -> run "write" token)
        idempotent "read"
    }

/// The first server is killed mid-call (its shutdown does not wait), and a second starts on the same port.
let private killedMidCall (command: string) (options: TinoClientOptions) =
    let calls = ConcurrentQueue<string>()
    let quickStop = TinoHostOptions(ShutdownTimeout = TimeSpan.FromMilliseconds 50.0)
    let first = start 0 quickStop (flaky "first" calls true)
    let port = portOf first
    let client = connect port options
    try
        let pending = client.CallAsync<string>(command, CancellationToken.None, ReadOnlySpan noArguments).AsTask()
        let started = Diagnostics.Stopwatch.StartNew()
        while calls.IsEmpty && started.Elapsed < TimeSpan.FromSeconds 10.0 do
            Thread.Sleep 10
        stop first
        let second = start port TinoHostOptions.Default (flaky "second" calls false)
        try
            let outcome = try Ok(pending.GetAwaiter().GetResult()) with error -> Error error
            outcome, List.ofSeq calls
        finally
            stop second
    finally
        client.DisposeAsync().AsTask().GetAwaiter().GetResult()

/// Retries for `read`, which the client is told is idempotent, as `app.ConnectClientAsync` would from the app.
let private retrying =
    TinoClientOptions(
        IdempotentCommands = Collections.Generic.HashSet<string>([ "read" ]),
        Resilience = ResiliencePipelineBuilder<ReadOnlyMemory<byte>>().AddRetry(TinoResilience.Retry 5).Build())

[<Tests>]
let tests =
    testSequenced <| testList "Client middleware and resilience" [
        test "client middleware adds metadata that the server's middleware and handler read; the options' metadata goes with every call" {
            let serverSaw = ConcurrentQueue<string>()
            let app =
                tino {
                    command "tenant" (fun (call: CallContext) -> $"""{call.Metadata["tenant"]}/{call.Metadata["service"]}""")
                    use_middleware (fun next context ->
                        serverSaw.Enqueue $"""{context.Command.Name}:{context.Metadata["tenant"]}"""
                        next context)
                }
            let clientSaw = ConcurrentQueue<string>()
            let tenant = Client.middleware (fun next call -> next (call.WithMetadata("tenant", "acme")))
            let record = Client.middleware (fun next call ->
                clientSaw.Enqueue $"""{call.Command}:{call.Metadata["service"]}"""
                next call)
            let options = TinoClientOptions(Metadata = readOnlyDict [ "service", "billing" ]) |> Client.withMiddleware [ record; tenant ]
            let server = start 0 TinoHostOptions.Default app
            let client = connect (portOf server) options
            try
                let reply = client.CallAsync<string>("tenant", CancellationToken.None, ReadOnlySpan noArguments).AsTask().GetAwaiter().GetResult()
                Expect.equal reply "acme/billing" "the handler read both entries"
            finally
                client.DisposeAsync().AsTask().Wait()
                stop server
            Expect.equal (List.ofSeq clientSaw) [ "tenant:billing" ] "the client's middleware ran once, with the options' metadata"
            Expect.equal (List.ofSeq serverSaw) [ "tenant:acme" ] "the server's middleware read what the client's added"
        }
        test "a retry repeats an idempotent call after its server was killed, on the server that took its place" {
            let outcome, calls = killedMidCall "read" retrying
            Expect.equal outcome (Ok "second") "the retry's reply"
            Expect.equal calls [ "first:read"; "second:read" ] "sent once to each server"
        }
        test "a command that is not idempotent is never repeated: the call fails with the lost connection" {
            let outcome, calls = killedMidCall "write" retrying
            match outcome with
            | Error (:? TinoConnectionException) -> ()
            | other -> failtest $"expected TinoConnectionException, got {other}"
            Expect.equal calls [ "first:write" ] "sent once, never again"
        }
        test "without a resilience pipeline, an idempotent call is not repeated either" {
            let outcome, calls = killedMidCall "read" TinoClientOptions.Default
            Expect.isError outcome "the lost connection"
            Expect.equal calls [ "first:read" ] "sent once"
        }
        test "the cluster client hedges an idempotent call to another endpoint while the first is slow" {
            let calls = ConcurrentQueue<string>()
            let slow = start 0 (TinoHostOptions(ShutdownTimeout = TimeSpan.FromMilliseconds 50.0)) (flaky "first" calls true)
            let fast = start 0 TinoHostOptions.Default (flaky "second" calls false)
            let hedging =
                TinoClientOptions(
                    IdempotentCommands = Collections.Generic.HashSet<string>([ "read" ]),
                    Resilience =
                        ResiliencePipelineBuilder<ReadOnlyMemory<byte>>()
                            .AddHedging(TinoResilience.Hedging(TimeSpan.FromMilliseconds 100.0))
                            .Build())
            let uris = [ for server in [ slow; fast ] -> $"redis://127.0.0.1:{portOf server}" ]
            let cluster = TinoClusterClient.ConnectAsync(uris, TinoClusterOptions(Client = hedging)).GetAwaiter().GetResult()
            try
                // Round robin: each call's first attempt goes to the slow endpoint in turn, its hedge to the other.
                let replies = [ for _ in 1..2 -> cluster.CallAsync<string>("read", CancellationToken.None, ReadOnlySpan noArguments).AsTask().GetAwaiter().GetResult() ]
                Expect.equal replies [ "second"; "second" ] "the hedged attempts answered"
                Expect.contains calls "first:read" "the slow endpoint was tried first"
            finally
                cluster.DisposeAsync().AsTask().Wait()
                stop fast
                stop slow
        }
    ]
