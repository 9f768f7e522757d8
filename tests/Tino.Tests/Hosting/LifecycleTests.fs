module Tino.Tests.Hosting.LifecycleTests

open System
open System.Net.Sockets
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Hosting
open Tino.Protocol
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

[<Tests>]
let magic =
    testSequenced <| testList "TinoServer magic parameters" [
        test "an auth-only command on a connection that has not authenticated replies PERMISSION_DENIED and stays open" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("whoami"))) notAuthenticated "denied"
                Expect.equal (value<int64> (c.Call("add", mp 1, mp 1))) 2L "still open")
        }
        test "an auth-only command is refused before its arguments are decoded" {
            let app =
                TestApp.create()
                    .WithCommand("secret_add", Func<AuthRequired<string>, int, int>(fun _ n -> n))
            withApp app (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("secret_add", [| 0xC1uy |]))) notAuthenticated "not INVALID_MSGPACK")
        }
        test "Auth is empty before AUTH and holds the auth value after" {
            withServer (fun server ->
                use c = connect server
                Expect.isNull (value<string | null> (c.Call("maybe_whoami"))) "none"
                c.Call("AUTH", ascii "bobspassword") |> ignore
                Expect.equal (value<string> (c.Call("maybe_whoami"))) "bob" "bob")
        }
        test "connection state is private to each connection" {
            withServer (fun server ->
                use first = connect server
                use second = connect server
                let count (c: RespConnection) = value<int> (c.Call("counter"))
                Expect.equal [ count first; count first; count first ] [ 1; 2; 3 ] "first counts"
                Expect.equal [ count second; count second ] [ 1; 2 ] "second starts afresh")
        }
    ]

/// A server whose `wait` calls block until a `release` call arrives: proof that calls overlap.
let overlappingApp () =
    let gate = TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)
    TestApp.create()
        .WithOptions(TinoOptions(MaxConcurrentCallsPerConnection = 16))
        .WithCommand("wait", Func<Task<int>>(fun () -> gate.Task))
        .WithCommand("release", Func<int, int>(fun n -> gate.TrySetResult n |> ignore; n))

/// `count` requests mixing successes and every kind of per-call error, with the reply each must get.
let mixedRequests count =
    [ for i in 0 .. count - 1 ->
        match i % 5 with
        | 0 -> request "add" [ mp i; mp 1 ], (fun r -> Expect.equal (value<int64> r) (int64 i + 1L) $"add {i}")
        | 1 -> request "nope" [], (fun r -> Expect.equal (errorText r) "INVALID_COMMAND nope" $"unknown {i}")
        | 2 -> request "add" [ [| 0xC1uy |]; mp 1 ], (fun r -> Expect.stringStarts (errorText r) "INVALID_MSGPACK" $"bad {i}")
        | 3 -> request "fail" [ mp "E"; mp (string i) ], (fun r -> Expect.equal (errorText r) $"E \"{i}\"" $"typed {i}")
        | _ -> request "PING" [], (fun r -> Expect.equal (text r) "PONG" $"ping {i}") ]

let sendAllThenCheck (c: RespConnection) requests =
    c.Send(requests |> List.map fst |> Array.concat)
    for _, check in requests do
        check (c.ReadReply())

[<Tests>]
let pipelining =
    testSequenced <| testList "TinoServer pipelining" [
        test "thousands of pipelined calls mixed with errors are answered one each, in order" {
            withServer (fun server ->
                use c = connect server
                sendAllThenCheck c (mixedRequests 5000))
        }
        test "with overlapping calls, thousands of mixed calls are still answered in order" {
            withApp (overlappingApp ()) (fun server ->
                use c = connect server
                sendAllThenCheck c (mixedRequests 5000))
        }
        test "overlapping calls run at once while their replies keep request order" {
            withApp (overlappingApp ()) (fun server ->
                use c = connect server
                c.Send(Array.concat [ request "wait" []; request "add" [ mp 1; mp 1 ]; request "release" [ mp 7 ] ])
                Expect.equal (value<int> (c.ReadReply())) 7 "wait, released by a later call"
                Expect.equal (value<int64> (c.ReadReply())) 2L "add"
                Expect.equal (value<int> (c.ReadReply())) 7 "release")
        }
        test "a request split across many writes is answered once it is whole" {
            withServer (fun server ->
                use c = connect server
                for b in request "add" [ mp 40; mp 2 ] do
                    c.Send [| b |]
                Expect.equal (value<int64> (c.ReadReply())) 42L "whole")
        }
    ]

[<Tests>]
let lifecycle =
    testSequenced <| testList "TinoServer lifecycle" [
        test "TINO.HEALTH replies READY while serving, and NOT_READY with the reason the readiness check gives" {
            let mutable readiness = TinoReadiness.Ready
            let check = Func<CancellationToken, ValueTask<TinoReadiness>>(fun _ -> ValueTask<TinoReadiness>(readiness))
            withHostOptions (TinoHostOptions(ReadinessCheck = check)) (TestApp.create ()) (fun server ->
                use c = connect server
                Expect.equal (text (c.Call("TINO.HEALTH"))) "READY" "ready"
                readiness <- TinoReadiness.NotReady "database"
                Expect.equal (errorText (c.Call("TINO.HEALTH"))) "NOT_READY \"database\"" "the app's reason"
                Expect.equal (errorText (c.Call("TINO.HEALTH", mp 1))) "ERR wrong number of arguments for 'tino.health' command" "no arguments"
                Expect.equal (value<int64> (c.Call("add", mp 1, mp 1))) 2L "not ready is advice: calls still run")
        }
        test "a readiness check that throws makes the server not ready, and is logged" {
            let check = Func<CancellationToken, ValueTask<TinoReadiness>>(fun _ -> failwith "the pool is gone")
            withHostOptions (TinoHostOptions(ReadinessCheck = check)) (TestApp.create ()) (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("TINO.HEALTH"))) "NOT_READY \"readiness check failed\"" "not ready")
        }
        test "a stopping server with a drain delay is not ready but still accepts and serves, then stops" {
            // A drain longer than any test, cut short by the stop's token once the draining server has been seen.
            let server = (startServerWith (TinoHostOptions(DrainDelay = TimeSpan.FromMinutes 10.0)) (TestApp.create ())).GetAwaiter().GetResult()
            use c = connect server
            Expect.equal (text (c.Call("TINO.HEALTH"))) "READY" "ready before the stop"
            use hurry = new CancellationTokenSource()
            let stopping = server.StopAsync(hurry.Token)
            Expect.equal (errorText (c.Call("TINO.HEALTH"))) "NOT_READY \"draining\"" "draining"
            Expect.equal ((server.CheckReadinessAsync().AsTask().GetAwaiter().GetResult()).Reason) "draining" "and so says the server"
            use late = connect server
            Expect.equal (value<int64> (late.Call("add", mp 2, mp 2))) 4L "a new connection is served while draining"
            Expect.isFalse stopping.IsCompleted "still draining"
            hurry.Cancel()
            stopping.GetAwaiter().GetResult()
            Expect.throws (fun () -> (connect server :> IDisposable).Dispose()) "it stops accepting after the delay"
        }
        test "start-up hooks run before the server accepts and shut-down hooks after it drains" {
            let events = Collections.Concurrent.ConcurrentQueue<string>()
            let app =
                TinoApp.Empty
                    .WithStartup(fun _ -> events.Enqueue "start"; Task.CompletedTask)
                    .WithShutdown(fun _ -> events.Enqueue "stop"; Task.CompletedTask)
                    .WithCommand("touch", Action(fun () -> events.Enqueue "call"))
            let server = (startServer app).Result
            Expect.equal (List.ofSeq events) [ "start" ] "started"
            use c = connect server
            c.Call("touch") |> ignore
            server.StopAsync().Wait()
            Expect.equal (List.ofSeq events) [ "start"; "call"; "stop" ] "in order"
        }
        test "a port in use fails the start naming the address, before any start-up hook runs" {
            let busy = new TcpListener(Net.IPAddress.Loopback, 0)
            busy.Start()
            try
                let address = busy.LocalEndpoint :?> Net.IPEndPoint
                let events = Collections.Concurrent.ConcurrentQueue<string>()
                let app =
                    TinoApp.Empty
                        .WithStartup(fun _ -> events.Enqueue "start"; Task.CompletedTask)
                        .WithShutdown(fun _ -> events.Enqueue "stop"; Task.CompletedTask)
                let server = new Hosting.TinoServer(app)
                let error = Expect.throwsC (fun () -> server.StartAsync(address).GetAwaiter().GetResult()) id
                Expect.isTrue (error :? IO.IOException) $"an IOException, got {error}"
                Expect.equal error.Message $"127.0.0.1:{address.Port} is already in use (another process listens on it); pick another port or stop that process." "names the address and what to do"
                Expect.isTrue (error.InnerException :? SocketException) "the socket's error inside"
                Expect.isNull server.LocalEndPoint "not listening"
                let another = new Hosting.TinoServer(app)
                Expect.throwsT<IO.IOException> (fun () -> another.StartAsync(address).GetAwaiter().GetResult()) "refused too"
                another.DisposeAsync().AsTask().Wait()
                Expect.isEmpty events "no hook ran, start-up or shut-down: these servers never started"
                busy.Stop()
                server.StartAsync(address).Wait()
                Expect.equal (List.ofSeq events) [ "start" ] "the same server starts once the address is free"
                server.DisposeAsync().AsTask().Wait()
                Expect.equal (List.ofSeq events) [ "start"; "stop" ] "and stops"
            finally
                busy.Stop()
        }
        test "stopping lets a call in flight finish and answers it before closing" {
            let started = TaskCompletionSource()
            let release = TaskCompletionSource<int>()
            let app =
                TinoApp.Empty.WithCommand("slow", Func<Task<int>>(fun () -> started.TrySetResult() |> ignore; release.Task))
            let server = (startServer app).Result
            use c = connect server
            c.Send(request "slow" [])
            started.Task.Wait()
            let stopping = server.StopAsync()
            Expect.isFalse stopping.IsCompleted "waits for the call"
            release.SetResult 5
            Expect.equal (value<int> (c.ReadReply())) 5 "answered"
            Expect.isTrue (c.IsClosedByServer()) "then closed"
            stopping.Wait()
            Expect.throws (fun () -> use _ = connect server in ()) "no longer accepts"
        }
        test "calls still running after the shutdown timeout see their cancellation token fire" {
            let cancelled = TaskCompletionSource<bool>()
            let app =
                TinoApp.Empty
                    .WithCommand("forever", Func<CancellationToken, Task>(fun token ->
                        task {
                            try
                                do! Task.Delay(Timeout.Infinite, token)
                            with :? OperationCanceledException ->
                                cancelled.TrySetResult true |> ignore
                        }))
            let server = (startServerWith (TinoHostOptions(ShutdownTimeout = TimeSpan.FromMilliseconds 100.0)) app).Result
            use c = connect server
            c.Send(request "forever" [])
            Thread.Sleep 100
            server.StopAsync().Wait()
            Expect.isTrue (cancelled.Task.Wait 5000) "the token fired"
        }
        test "a call's cancellation token fires when its client hangs up while it runs" {
            let started = TaskCompletionSource()
            let cancelled = TaskCompletionSource<bool>()
            let app =
                TinoApp.Empty.WithCommand("wait", Func<CancellationToken, Task>(fun token ->
                    task {
                        started.TrySetResult() |> ignore
                        try
                            do! Task.Delay(Timeout.Infinite, token)
                        with :? OperationCanceledException ->
                            cancelled.TrySetResult true |> ignore
                    }))
            withApp app (fun server ->
                let c = connect server
                c.Send(request "wait" [])
                started.Task.Wait()
                (c :> IDisposable).Dispose()
                Expect.isTrue (cancelled.Task.Wait 5000) "the token fired when the client left"
                use other = connect server
                Expect.equal (text (other.Call("PING"))) "PONG" "the server carries on")
        }
        test "host options that cannot work are refused when the server is made, naming the option" {
            let app = TestApp.create ()
            let ms (n: float) = TimeSpan.FromMilliseconds n
            let refused =
                [ "MaxConnections", Hosting.TinoHostOptions(MaxConnections = 0)
                  "MaxRequestBytesBeforeAuth", Hosting.TinoHostOptions(MaxRequestBytesBeforeAuth = 0L)
                  "MaxQueuedReplyBytes", Hosting.TinoHostOptions(MaxQueuedReplyBytes = -1L)
                  "RequestTimeout", Hosting.TinoHostOptions(RequestTimeout = TimeSpan.Zero)
                  "RequestTimeout", Hosting.TinoHostOptions(RequestTimeout = Timeout.InfiniteTimeSpan)
                  "RequestTimeout", Hosting.TinoHostOptions(RequestTimeout = TimeSpan.FromDays 100.0)
                  "IdleTimeout", Hosting.TinoHostOptions(IdleTimeout = ms -5.0)
                  "ShutdownTimeout", Hosting.TinoHostOptions(ShutdownTimeout = ms -5.0) ]
            for name, options in refused do
                let error = Expect.throwsC (fun () -> new Hosting.TinoServer(app, options) |> ignore) id
                Expect.isTrue (error :? ArgumentException) $"{name}: an ArgumentException, got {error}"
                Expect.stringStarts error.Message $"TinoHostOptions: {name} must be" $"{name}: the message names it"
            for options in
                [ Hosting.TinoHostOptions(IdleTimeout = Timeout.InfiniteTimeSpan, ShutdownTimeout = Timeout.InfiniteTimeSpan)
                  Hosting.TinoHostOptions(ShutdownTimeout = TimeSpan.Zero, MaxConnections = 1, RequestTimeout = ms 1.0) ] do
                let server = new Hosting.TinoServer(app, options)
                Expect.isTrue (obj.ReferenceEquals(server.Options, options)) "the server keeps the options it was given"
                server.DisposeAsync().AsTask().Wait()
            let plain = new Hosting.TinoServer(app)
            Expect.equal plain.Options Hosting.TinoHostOptions.Default "without options, the defaults"
            plain.DisposeAsync().AsTask().Wait()
            Expect.equal Hosting.TinoHostOptions.Default.MaxConnections 10_000 "10,000 connections by default"
            Expect.equal Hosting.TinoHostOptions.Default.ShutdownTimeout (TimeSpan.FromSeconds 30.0) "30 s to drain by default"
        }
        test "connections beyond the maximum are closed at accept" {
            withHostOptions (TinoHostOptions(MaxConnections = 2)) (TestApp.create ()) (fun server ->
                use first = connect server
                use second = connect server
                first.Call("PING") |> ignore
                second.Call("PING") |> ignore
                use third = connect server
                Expect.isTrue (third.IsClosedByServer()) "refused"
                Expect.equal (text (first.Call("PING"))) "PONG" "the others are untouched")
        }
    ]
