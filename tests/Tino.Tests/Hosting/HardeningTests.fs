module Tino.Tests.Hosting.HardeningTests

open System
open System.Threading
open Expecto
open Tino
open Tino.Hosting
open Tino.Protocol
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// An app with one open command and one that needs auth.
let guardedApp (options: TinoOptions) =
    TinoApp.Empty
        .WithOptions(options)
        .WithAuth(AuthHandler.Create<string>(fun (password: string) -> if password = "pw" then Some "me" |> Option.toObj else None |> Option.toObj))
        .WithCommand("open_len", Func<byte[], int>(fun b -> b.Length))
        .WithCommand("secret_len", Func<AuthRequired<string>, byte[], int>(fun _ b -> b.Length))

/// An app whose every command needs auth.
let lockedApp (options: TinoOptions) =
    TinoApp.Empty
        .WithOptions(options)
        .WithAuth(AuthHandler.Create<string>(fun (password: string) -> if password = "pw" then Some "me" |> Option.toObj else None |> Option.toObj))
        .WithCommand("secret_len", Func<AuthRequired<string>, byte[], int>(fun _ b -> b.Length))

let binHeader (length: int) = Array.concat [ [| 0xC6uy |]; BitConverter.GetBytes(length) |> Array.rev ]

[<Tests>]
let authBeforeBody =
    testSequenced <| testList "TinoServer auth before the body" [
        test "an auth-only command is refused from its header, its 100 MB argument skipped unbuffered, and the connection stays open" {
            let size = 100 * 1024 * 1024
            let limits = RespLimits(MaxArgumentBytes = 200 * 1024 * 1024, MaxRequestBytes = 300L * 1024L * 1024L)
            withApp (guardedApp (TinoOptions(Limits = limits))) (fun server ->
                use c = connect server
                let argument = size + 5
                c.Send(ascii $"*2\r\n$10\r\nsecret_len\r\n${argument}\r\n")
                c.Send(binHeader size)
                Expect.equal (errorText (c.ReadReply())) notAuthenticated "refused before the body arrived"
                GC.Collect()
                let before = GC.GetTotalMemory(true)
                let chunk = Array.zeroCreate<byte> (1024 * 1024)
                for _ in 1 .. 100 do
                    c.Send chunk
                c.Send(ascii "\r\n")
                Expect.equal (text (c.Call("AUTH", ascii "pw"))) "OK" "the same connection goes on"
                let grown = GC.GetTotalMemory(true) - before
                Expect.isLessThan grown (8L * 1024L * 1024L) $"the server held on to {grown} bytes of the skipped argument"
                Expect.equal (value<int> (c.Call("secret_len", Array.append (binHeader 3) [| 1uy; 2uy; 3uy |]))) 3 "and calls work")
        }
        test "a skipped argument over a limit closes the connection without a second reply" {
            withApp (guardedApp (TinoOptions(Limits = RespLimits(MaxArgumentBytes = 1024)))) (fun server ->
                use c = connect server
                c.Send(ascii "*3\r\n$10\r\nsecret_len\r\n$3\r\nabc\r\n$5000\r\n")
                Expect.equal (errorText (c.ReadReply())) notAuthenticated "refused"
                Expect.isTrue (c.IsClosedByServer()) "closed"
                Expect.equal c.Unread 0 "no second reply")
        }
        test "before AUTH an app whose every command needs auth reads no request over 64 KiB" {
            withApp (lockedApp TinoOptions.Default) (fun server ->
                use c = connect server
                c.Send(ascii $"*2\r\n$10\r\nsecret_len\r\n${100 * 1024}\r\n")
                Expect.equal (errorText (c.ReadReply())) notAuthenticated "refused from the header"
                Expect.isTrue (c.IsClosedByServer()) "then closed by the limit, without a second reply"
                use other = connect server
                other.Send(ascii $"*2\r\n$4\r\nAUTH\r\n${100 * 1024}\r\n")
                Expect.equal (errorText (other.ReadReply())) "LIMIT_EXCEEDED \"bytes per request\"" "an over-long AUTH is refused"
                Expect.isTrue (other.IsClosedByServer()) "and closed"
                use authed = connect server
                Expect.equal (text (authed.Call("AUTH", ascii "pw"))) "OK" "auth"
                let big = Array.append (binHeader (100 * 1024)) (Array.zeroCreate (100 * 1024))
                Expect.equal (value<int> (authed.Call("secret_len", big))) (100 * 1024) "after AUTH the normal limits apply")
        }
        test "before AUTH the 64 KiB request limit is accepted exactly and refused one byte past it" {
            withApp (lockedApp TinoOptions.Default) (fun server ->
                // "*2" and "$10 secret_len" take 4 + 17 bytes, then "$<n>" CRLF, n bytes and CRLF.
                let frame n = Array.concat [ ascii $"*2\r\n$10\r\nsecret_len\r\n${n}\r\n"; Array.zeroCreate n; ascii "\r\n" ]
                let atLimit = 65536 - 21 - 8 - 2
                Expect.equal (frame atLimit).Length 65536 "exactly 64 KiB"
                use exact = connect server
                exact.Send(frame atLimit)
                Expect.equal (errorText (exact.ReadReply())) notAuthenticated "refused from its header"
                Expect.equal (text (exact.Call("PING"))) "PONG" "the connection stays open"
                use over = connect server
                over.Send(frame (atLimit + 1))
                Expect.equal (errorText (over.ReadReply())) notAuthenticated "refused from its header"
                Expect.isTrue (over.IsClosedByServer()) "one byte past the limit closes")
        }
    ]

[<Tests>]
let slowClients =
    testSequenced <| testList "TinoServer slow and silent clients" [
        test "a request not finished within the request timeout closes its connection while others are served" {
            withHostOptions (TinoHostOptions(RequestTimeout = TimeSpan.FromMilliseconds 300.0)) (guardedApp TinoOptions.Default) (fun server ->
                use slow = connect server
                use normal = connect server
                slow.Send(ascii "*2\r\n$8\r\nopen_len\r\n$10\r\nabc")
                Expect.equal (value<int> (normal.Call("open_len", Array.append (binHeader 2) [| 1uy; 2uy |]))) 2 "the other connection answers"
                Expect.isTrue (slow.IsClosedByServer()) "the slow one is closed"
                Expect.equal slow.Unread 0 "without a reply")
        }
        test "hundreds of stalled half-frames do not keep a normal call from being answered" {
            withHostOptions (TinoHostOptions(RequestTimeout = TimeSpan.FromSeconds 20.0)) (guardedApp TinoOptions.Default) (fun server ->
                let stalled = [ for _ in 1 .. 300 -> connect server ]
                for c in stalled do
                    c.Send(ascii "*2\r\n$8\r\nopen_")
                use normal = connect server
                Expect.equal (value<int> (normal.Call("open_len", Array.append (binHeader 1) [| 9uy |]))) 1 "answered"
                for c in stalled do
                    (c :> IDisposable).Dispose())
        }
        test "a connection silent for the idle timeout is closed, and a busy one is not" {
            withHostOptions (TinoHostOptions(IdleTimeout = TimeSpan.FromMilliseconds 300.0)) (guardedApp TinoOptions.Default) (fun server ->
                use idle = connect server
                use busy = connect server
                for _ in 1 .. 8 do
                    Expect.equal (text (busy.Call("PING"))) "PONG" "busy"
                    Thread.Sleep 100
                Expect.isTrue (idle.IsClosedByServer()) "idle closed"
                Expect.equal (text (busy.Call("PING"))) "PONG" "busy still open")
        }
        test "replies for a client that does not read are written out before more of its requests are read" {
            let app = TinoApp.Empty.WithCommand("blob", Func<int, byte[]>(fun n -> Array.zeroCreate n))
            withHostOptions (TinoHostOptions(MaxQueuedReplyBytes = 1024L * 1024L)) app (fun server ->
                use c = connect server
                let requests = Array.concat [ for _ in 1 .. 200 -> request "blob" [ mp (1024 * 1024) ] ]
                GC.Collect()
                let before = GC.GetTotalMemory(true)
                c.Send requests
                Thread.Sleep 1000
                let held = GC.GetTotalMemory(true) - before
                Expect.isLessThan held (64L * 1024L * 1024L) $"the server held {held} bytes of replies for a client that does not read"
                for i in 1 .. 200 do
                    Expect.equal (value<byte[]> (c.ReadReply())).Length (1024 * 1024) $"reply {i} arrives once the client reads")
        }
    ]

[<Tests>]
let shutdown =
    testSequenced <| testList "TinoServer graceful shutdown" [
        test "requests that arrive after the stop began get SHUTTING_DOWN, then the connection closes" {
            let server = (startServer (guardedApp TinoOptions.Default)).Result
            use c = connect server
            Expect.equal (text (c.Call("PING"))) "PONG" "before"
            let stopping = server.StopAsync()
            Thread.Sleep 30
            Expect.equal (errorText (c.Call("open_len", Array.append (binHeader 1) [| 1uy |]))) "SHUTTING_DOWN" "refused"
            Expect.equal (errorText (c.Call("PING"))) "SHUTTING_DOWN" "every request"
            Expect.isTrue (c.IsClosedByServer()) "closed once quiet"
            stopping.Wait()
        }
        test "under pipelined load every request sent gets a reply or SHUTTING_DOWN" {
            let server = (startServer (TestApp.create ())).Result
            let clients = [ for _ in 1 .. 10 -> connect server ]
            let sent = Array.zeroCreate<int> clients.Length
            let answered = Array.zeroCreate<int> clients.Length
            let refused = Array.zeroCreate<int> clients.Length
            let work =
                clients
                |> List.mapi (fun i c ->
                    Threading.Tasks.Task.Run(fun () ->
                        let mutable going = true
                        while going do
                            // A client that pauses past the stop's quiet period finds the socket closed when it
                            // sends again: that batch never left, so it is not counted, and the client stops.
                            try
                                c.Send(Array.concat [ for _ in 1 .. 20 -> request "add" [ mp 1; mp 2 ] ])
                                sent[i] <- sent[i] + 20
                            with :? IO.IOException -> going <- false
                            let mutable repliesOfBatch = 0
                            while going && repliesOfBatch < 20 do
                                let reply =
                                    try Some(c.ReadReply())
                                    with _ when repliesOfBatch = 0 ->
                                        // Closed before any of the batch was read: it reached a closed socket, so it
                                        // was never sent to the server. A batch cut off half-way would still fail here.
                                        sent[i] <- sent[i] - 20
                                        None
                                match reply with
                                | None -> going <- false
                                | Some reply ->
                                    repliesOfBatch <- repliesOfBatch + 1
                                    if reply.Kind = RespReplyKind.Error then
                                        Expect.equal (text reply) "SHUTTING_DOWN" "refusal"
                                        refused[i] <- refused[i] + 1
                                    else
                                        answered[i] <- answered[i] + 1
                            if refused[i] > 0 then going <- false))
                |> Array.ofList
            Thread.Sleep 200
            server.StopAsync().Wait()
            Threading.Tasks.Task.WaitAll(work, 10000) |> ignore
            for i in 0 .. clients.Length - 1 do
                Expect.equal (answered[i] + refused[i]) sent[i] $"client {i}: every request sent was answered or refused"
                Expect.isTrue (refused[i] > 0 || sent[i] > 0) $"client {i} took part"
            for c in clients do
                (c :> IDisposable).Dispose()
        }
    ]
