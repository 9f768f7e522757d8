/// The client against a server it did not grow up with: calls made while the connection is being made again, error
/// details cut short, and stream commands called plainly.
module Tino.Tests.Client.ReconnectTests

open System
open System.Net
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Client
open Tino.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.ScaleOut.Processes
open Tino.Tests.Client.ClientTests
open Tino.Tests.Client.Hosts

let private connectWith (port: int) (options: TinoClientOptions) =
    TinoClient.ConnectAsync(IPEndPoint(IPAddress.Loopback, port), options).Result

let private startOn (port: int) =
    let server = new TinoServer(Tino.Tests.Hosting.TestApp.create ())
    server.StartAsync(IPEndPoint(IPAddress.Loopback, port)).GetAwaiter().GetResult()
    server

/// Disposes the client at the end of the scope that `use`s this.
let private disposing (client: TinoClient) =
    { new IDisposable with
        member _.Dispose() = client.DisposeAsync().AsTask().Wait() }

let private disconnected (client: TinoClient) =
    waitUntil (TimeSpan.FromSeconds 10.0) (fun () -> "the client saw the connection close") (fun () -> not client.IsConnected)

[<Tests>]
let tests =
    testList "client: reconnecting and other servers" [
        test "a call made after the server closed the connection waits for the reconnect and succeeds" {
            let server = startOn 0
            let client = connectWith (portOf server) (TinoClientOptions(Password = "tinaspassword"))
            use _ = disposing client
            try
                let refused = Throws.Of<TinoPermissionException>(client.ExecuteAsync("AUTH", [| ReadOnlyMemory(ascii "wrong") |]).AsTask())
                Expect.equal refused.Code "PERMISSION_DENIED" "a refused AUTH, after which the server closes"
                disconnected client
                Expect.equal (await (call<int64> client "add" [ arg 1; arg 2 ])) 3L "sent on the new connection"
                Expect.equal (await (call<string> client "whoami" [])) "tina" "authenticated again with the client's own password"
            finally
                server.DisposeAsync().AsTask().Wait()
        }
        test "calls made while the server is down succeed once it is back, within their timeout" {
            let first = startOn 0
            let port = portOf first
            let client = connectWith port (TinoClientOptions(CallTimeout = TimeSpan.FromSeconds 20.0))
            use _ = disposing client
            Expect.equal (await (call<int64> client "add" [ arg 1; arg 1 ])) 2L "up"
            first.DisposeAsync().AsTask().Wait()
            disconnected client
            let waiting = [ for i in 1 .. 5 -> call<int64> client "add" [ arg i; arg 10 ] ]
            Task.Delay(300).Wait()
            Expect.isFalse (waiting |> List.exists _.IsCompleted) "nothing failed while the server was down"
            let second = startOn port
            try
                Expect.equal [ for pending in waiting -> await pending ] [ 11L; 12L; 13L; 14L; 15L ] "every call, once it was back"
            finally
                second.DisposeAsync().AsTask().Wait()
        }
        test "a call made while the server is down fails with a clear timeout when it does not come back in time" {
            let server = startOn 0
            let client = connectWith (portOf server) (TinoClientOptions(CallTimeout = TimeSpan.FromMilliseconds 500.0))
            use _ = disposing client
            server.DisposeAsync().AsTask().Wait()
            disconnected client
            let error = Throws.Of<TimeoutException>(call<int64> client "add" [ arg 1; arg 2 ])
            Expect.stringContains error.Message "not back yet" "says the connection was lost and is not back"
        }
        test "a call made while the server is down ends at once when cancelled" {
            let server = startOn 0
            let client = connectWith (portOf server) TinoClientOptions.Default
            use _ = disposing client
            server.DisposeAsync().AsTask().Wait()
            disconnected client
            use cancel = new Threading.CancellationTokenSource()
            let pending = client.CallAsync<int64>("add", cancel.Token, ReadOnlySpan [| arg 1; arg 2 |]).AsTask()
            cancel.Cancel()
            Expect.throwsT<OperationCanceledException> (fun () -> await pending |> ignore) "cancelled"
        }
        test "a 300-character message with quotes and backslashes reads back as its first 128 bytes of text" {
            let message = String.replicate 30 "said \"no\" \\ "
            let app = TinoApp.Empty.WithCommand("refuse", Func<int>(fun () -> raise (TinoException("REFUSED", message))))
            Tino.Tests.Hosting.ServerTests.withApp app (fun server ->
                let client = connectTo server TinoClientOptions.Default
                use _ = disposing client
                let error = Throws.Of<TinoRemoteException>(call<int> client "refuse" [])
                Expect.equal error.Message (message.Substring(0, 128)) "its first 128 bytes of text (ASCII here), quotes and backslashes unescaped")
        }
        test "a detail another server cut inside its string keeps the text read so far" {
            let error = ErrorReplies.ToException(ascii "REFUSED \"he said \\\"stop\\\" \\\\ aaa")
            Expect.equal error.Message "he said \"stop\" \\ aaa" "unquoted, unescaped"
            let halfEscape = ErrorReplies.ToException(ascii "REFUSED \"tab\\")
            Expect.equal halfEscape.Message "tab" "an escape cut in half is left out"
            let halfUnicode = ErrorReplies.ToException(ascii "REFUSED \"snow \\u26")
            Expect.equal halfUnicode.Message "snow " "a \\u escape cut in half too"
        }
        test "a stream command called plainly reads as an array, a list or an F# list" {
            Tino.Tests.Hosting.ServerTests.withApp (Tino.Tests.Hosting.TestApp.create ()) (fun server ->
                let client = connectTo server TinoClientOptions.Default
                use _ = disposing client
                Expect.equal (await (call<int[]> client "range" [ arg 3 ])) [| 0; 1; 2 |] "int[]"
                Expect.equal (List.ofSeq (await (call<Collections.Generic.List<int>> client "range" [ arg 2 ]))) [ 0; 1 ] "List<int>"
                Expect.equal (await (call<int[]> client "range" [ arg 0 ])) [||] "empty")
            withHost (Tino.FSharp.TinoBuilderInstance.tino { command "range" (fun (n: int) -> seq { 0 .. n - 1 }) }) TinoClientOptions.Default (fun host ->
                Expect.equal (await (Tino.FSharp.Client.call<int list> host.Client "range" [ Tino.FSharp.ClientArguments.arg 4 ])) [ 0; 1; 2; 3 ] "an F# list")
        }
    ]
