module Tino.Tests.Client.ClientTests

open System
open System.Net
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Client
open Tino.Hosting
open Tino.Protocol
open Tino.Tests.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

let arg (value: int) = TinoArg.op_Implicit value

let argText (value: string) = TinoArg.op_Implicit value

/// A call through the client's span-taking overload, from F#.
let call<'T> (client: TinoClient) (name: string) (args: TinoArg list) : Task<'T> =
    client.CallAsync<'T>(name, CancellationToken.None, ReadOnlySpan(Array.ofList args)).AsTask()

let connectTo (server: TinoServer) (options: TinoClientOptions) =
    TinoClient.ConnectAsync(IPEndPoint(IPAddress.Loopback, portOf server), options).Result

let withClient (body: TinoServer -> TinoClient -> unit) =
    withServer (fun server ->
        let client = connectTo server TinoClientOptions.Default
        try body server client
        finally client.DisposeAsync().AsTask().Wait())

let await (task: Task<'T>) = task.GetAwaiter().GetResult()

let locationOf (error: TinoArgumentException) = error.Location |> Seq.map string |> List.ofSeq

type Throws =
    /// The exception of type 'E that `task` fails with.
    static member Of<'E when 'E :> exn>(task: Task) : 'E =
        try
            task.GetAwaiter().GetResult()
            failtestf "expected %s" typeof<'E>.Name
        with
        | :? 'E as e -> e
        | e -> failtestf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message

[<Tests>]
let calls =
    testSequenced <| testList "TinoClient calls" [
        test "CallAsync sends MessagePack arguments and decodes the reply" {
            withClient (fun _ client ->
                Expect.equal (await (call<int64> client "add" [ arg 1; arg 2 ])) 3L "add"
                Expect.equal (await (call<string> client "concat" [ TinoArg.From [| "a"; "b" |] ])) "ab" "concat")
        }
        test "CallRawAsync moves MessagePack bytes both ways" {
            withClient (fun _ client ->
                let reply = await (client.CallRawAsync("add", [| ReadOnlyMemory [| 1uy |]; ReadOnlyMemory [| 2uy |] |]).AsTask())
                Expect.equal (reply.ToArray()) [| 3uy |] "raw")
        }
        test "large requests and typed replies keep their order with small calls, raw calls, nil and errors" {
            withClient (fun _ client ->
                // A request of 64 KiB or more is queued in an array of its own; 100 KB replies cross the client's 16 KiB
                // receive segments and are decoded where they lie; raw, nil and error replies take the copying path.
                let calls: Task list =
                    [ for i in 0 .. 19 do
                          let size = 100_000 + i
                          yield task {
                              let! bytes = call<byte[]> client "blob" [ arg size ]
                              if bytes.Length <> size || bytes[size - 1] <> byte ((size - 1) % 251) then failwithf "blob %d came back wrong" size }
                          yield task {
                              let! raw = client.CallRawAsync("blob", [| ReadOnlyMemory(MessagePack.MessagePackSerializer.Serialize size) |]).AsTask()
                              if raw.Length <> size + 5 then failwithf "raw blob %d: %d bytes" size raw.Length }
                          yield task {
                              let sent = Array.init (70_000 + i) (fun j -> byte (j * 7 + i))
                              let! echoed = call<byte[]> client "echo_bin" [ TinoArg.From sent ]
                              if echoed <> sent then failwithf "echo_bin %d came back wrong" sent.Length }
                          yield task {
                              let! missing = call<objnull> client "get_note" [ arg (1000 + i) ]
                              if not (isNull missing) then failwith "get_note of no note is nil" }
                          yield task {
                              let error = Throws.Of<TinoRemoteException>(call<int> client "fail" [ argText "MY_CODE"; argText $"call {i}" ])
                              if error.Code <> "MY_CODE" || error.Message <> $"call {i}" then failwithf "fail %d: %s %s" i error.Code error.Message } ]
                Task.WhenAll(calls).Wait()
                Expect.equal (await (call<int64> client "add" [ arg 1; arg 2 ])) 3L "the connection goes on")
        }
        test "ten thousand calls from a hundred concurrent tasks on one connection each get their own reply" {
            withClient (fun _ client ->
                let worker (w: int) =
                    task {
                        for i in 0 .. 99 do
                            let! sum = call<int64> client "add" [ arg w; arg i ]
                            if sum <> int64 (w + i) then failwithf "add(%d, %d) replied %d" w i sum
                    }
                Task.WhenAll(Array.init 100 worker).Wait())
        }
        test "every error code maps to its exception type and the connection stays usable" {
            withClient (fun _ client ->
                let notFound = Throws.Of<TinoCommandNotFoundException>(call<int> client "nope" [])
                Expect.equal notFound.Code "INVALID_COMMAND" "code"
                let count = Throws.Of<TinoArgumentException>(call<int> client "add" [ arg 1 ])
                Expect.equal (count.Code, count.Detail) ("NUM_ARG_MISMATCH", "expected 2 got 1") "count"
                let invalid = Throws.Of<TinoArgumentException>(client.CallRawAsync("add", [| ReadOnlyMemory [| 0xC1uy |]; ReadOnlyMemory [| 1uy |] |]).AsTask())
                Expect.equal (invalid.Code, locationOf invalid) ("INVALID_MSGPACK", [ "command"; "a" ]) "msgpack"
                let validation = Throws.Of<TinoArgumentException>(call<int> client "add" [ argText "one"; arg 2 ])
                Expect.equal (validation.Code, locationOf validation, validation.ExpectedType) ("VALIDATION_ERROR", [ "command"; "a" ], "int32") "validation"
                let denied = Throws.Of<TinoPermissionException>(call<string> client "whoami" [])
                Expect.equal denied.Message "authentication required: send AUTH <password> first" "says what to send"
                let typed = Throws.Of<TinoRemoteException>(call<unit> client "fail" [ argText "NOT_FOUND"; argText "gone" ])
                Expect.equal (typed.Code, typed.Message) ("NOT_FOUND", "gone") "typed"
                let crash = Throws.Of<TinoRemoteException>(call<unit> client "crash" [])
                Expect.equal crash.Code "UNEXPECTED_ERROR" "crash"
                Expect.equal (await (call<int64> client "add" [ arg 2; arg 2 ])) 4L "still usable")
        }
        test "a call cancelled in the middle of a pipeline returns at once and the replies stay in step" {
            withClient (fun _ client ->
                use cancel = new CancellationTokenSource()
                let slow = client.CallAsync<int>("sleep", cancel.Token, ReadOnlySpan [| arg 2000 |]).AsTask()
                let after = call<int64> client "add" [ arg 20; arg 22 ]
                cancel.Cancel()
                Expect.isTrue (slow.Wait(0) || (try slow.Wait 1000 with _ -> true)) "the cancelled call returned without waiting for its reply"
                Throws.Of<OperationCanceledException>(slow) |> ignore
                Expect.equal (await after) 42L "the next call gets its own reply"
                Expect.equal (await (call<int64> client "add" [ arg 1; arg 1 ])) 2L "and so does the one after")
        }
        test "a call with no reply within the call timeout fails with TimeoutException and the connection stays in step" {
            withServer (fun server ->
                let client = connectTo server (TinoClientOptions(CallTimeout = TimeSpan.FromMilliseconds 100.0))
                try
                    Throws.Of<TimeoutException>(call<int> client "sleep" [ arg 300 ]) |> ignore
                    Thread.Sleep 400 // The late reply arrives meanwhile and is dropped.
                    Expect.equal (await (call<int64> client "add" [ arg 1; arg 2 ])) 3L "in step"
                finally
                    client.DisposeAsync().AsTask().Wait())
        }
    ]

[<Tests>]
let connecting =
    testSequenced <| testList "TinoClient connections" [
        test "a password in the options authenticates every connection" {
            withServer (fun server ->
                let client = connectTo server (TinoClientOptions(Password = "tinaspassword"))
                Expect.equal (await (call<string> client "whoami" [])) "tina" "tina"
                client.DisposeAsync().AsTask().Wait())
        }
        test "credentials in a redis:// URI authenticate" {
            withServer (fun server ->
                let client = TinoClient.ConnectAsync($"redis://:bobspassword@127.0.0.1:{portOf server}").Result
                Expect.equal (await (call<string> client "whoami" [])) "bob" "bob"
                client.DisposeAsync().AsTask().Wait())
        }
        test "refused credentials fail the connect with TinoAuthenticationException" {
            withServer (fun server ->
                let error = Throws.Of<TinoAuthenticationException>(TinoClient.ConnectAsync($"redis://:wrong@127.0.0.1:{portOf server}"))
                Expect.equal (error.Code, error.Detail) ("PERMISSION_DENIED", "\"invalid password\"") "the server's reason kept")
        }
        test "a server that is not there fails the connect with TinoConnectionException" {
            let free = (new Sockets.TcpListener(IPAddress.Loopback, 0))
            free.Start()
            let port = (free.LocalEndpoint :?> IPEndPoint).Port
            free.Stop()
            Throws.Of<TinoConnectionException>(TinoClient.ConnectAsync($"redis://127.0.0.1:{port}")) |> ignore
        }
        test "calls in flight when the server dies fail at once, and the client reconnects and authenticates again" {
            let app = TestApp.create ()
            let hostOptions = TinoHostOptions(ShutdownTimeout = TimeSpan.FromMilliseconds 50.0)
            let server = (startServerWith hostOptions app).Result
            let port = portOf server
            let client = TinoClient.ConnectAsync($"redis://:tinaspassword@127.0.0.1:{port}", TinoClientOptions(ReconnectMaxDelay = TimeSpan.FromMilliseconds 200.0)).Result
            try
                let inFlight = [ for _ in 1 .. 5 -> call<int> client "sleep" [ arg 10000 ] ]
                server.StopAsync().Wait()
                for call in inFlight do
                    // The running call dies with its connection; the ones read after the stop began are refused.
                    match Throws.Of<exn>(call) with
                    | :? TinoConnectionException -> ()
                    | :? TinoRemoteException as e when e.Code = "SHUTTING_DOWN" -> ()
                    | e -> failtestf "unexpected %O" e
                let restarted = new TinoServer(app, hostOptions)
                restarted.StartAsync(IPEndPoint(IPAddress.Loopback, port)).Wait()
                try
                    let deadline = DateTime.UtcNow.AddSeconds 10.0
                    while not client.IsConnected && DateTime.UtcNow < deadline do
                        Thread.Sleep 20
                    Expect.isTrue client.IsConnected "reconnected"
                    Expect.equal (await (call<string> client "whoami" [])) "tina" "authenticated again"
                finally
                    restarted.StopAsync().Wait()
            finally
                client.DisposeAsync().AsTask().Wait()
        }
    ]

[<Tests>]
let testHost =
    testSequenced <| testList "TinoTestHost" [
        test "serves an app on a free loopback port with a connected client, and stops both when disposed" {
            let host = TinoTestHost.StartAsync(TestApp.create ()).Result
            let port = host.EndPoint.Port
            Expect.equal (await (call<int64> host.Client "add" [ arg 1; arg 2 ])) 3L "called over the wire"
            let second = host.ConnectAsync().Result
            Expect.equal (await (call<int> second "counter" [])) 1 "a second connection has its own state"
            second.DisposeAsync().AsTask().Wait()
            host.DisposeAsync().AsTask().Wait()
            Expect.isFalse host.Client.IsConnected "the client is closed"
            Expect.throws (fun () -> (new Sockets.TcpClient()).Connect(IPAddress.Loopback, port)) "the server is stopped"
        }
        test "serves with the host options it is given" {
            let options = TinoHostOptions(MaxConnections = 1)
            let host = TinoTestHost.StartAsync(TestApp.create (), options).Result
            try
                Expect.isTrue (obj.ReferenceEquals(host.Server.Options, options)) "the server has them"
                use other = new RespConnection(host.EndPoint.Port)
                Expect.isTrue (other.IsClosedByServer()) "a connection beyond MaxConnections 1 is closed at accept"
                Expect.equal (await (call<int64> host.Client "add" [ arg 1; arg 2 ])) 3L "the host's own client is served"
            finally
                host.DisposeAsync().AsTask().Wait()
        }
    ]
