/// C# proxies (client.CreateProxy<T>()): every result shape against the app that implements the contract, the interop
/// contract against both interop servers, errors as the client's exception types, contracts that cannot be proxies.
module Tino.Tests.CSharp.ProxyTests

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Client
open Tino.Hosting
open Tino.CSharp.TestKit
open Tino.Tests.Client.ClientTests
open Tino.Tests.Client.Hosts

/// The interop contract through a proxy: every interop command but range (a stream, below) and notify (an event).
let expectInterop (interop: IInterop) =
    Expect.equal (await (interop.AddAsync(Int32.MaxValue, Int32.MaxValue))) 4294967294L "add"
    Expect.equal (awaitValue (interop.EchoValueAsync "echo")) (box "echo") "echo_value"
    Expect.equal (await (interop.ConcatAsync [| "a"; "b"; "c" |])) "abc" "concat"
    Expect.equal (await (interop.CreateNoteAsync(NoteInput("first", false)))) (Note(1, "first", false)) "create_note"
    Expect.equal (await (interop.CreateNoteAsync(NoteInput("second", true)))) (Note(2, "second", true)) "ids go up"
    Expect.equal (awaitValue (interop.ReadNotesAsync())) [| Note(1, "first", false); Note(2, "second", true) |] "read_notes"
    Expect.equal (await (interop.GetNoteAsync 2)) (Note(2, "second", true)) "get_note"
    Expect.isNull (await (interop.GetNoteAsync 99)) "get_note of nothing is nil"
    Expect.equal (await (interop.WhoamiAsync())) "tina" "whoami"
    Expect.equal (awaitValue (interop.MaybeWhoamiAsync())) "tina" "maybe_whoami"
    Expect.equal (await (interop.CounterAsync())) 1 "counter"
    Expect.equal (await (interop.CounterAsync())) 2 "counter again"
    Expect.equal (await (interop.SleepAsync(5, CancellationToken.None))) 5 "sleep"
    Expect.equal (await (interop.BlobAsync 300)) (Array.init 300 (fun i -> byte (i % 251))) "blob"
    Expect.equal (awaitValue (interop.BlobLenAsync [| 1uy; 2uy; 3uy |])) 3 "blob_len"
    Expect.equal (await (interop.EchoBinAsync [| 4uy; 5uy |])) [| 4uy; 5uy |] "echo_bin"
    Expect.equal (await (interop.ShapeNameAsync(Circle 1.5))) "circle 1.5" "shape_name, case 0"
    Expect.equal (await (interop.ShapeNameAsync(Rect(2.0, 3.0)))) "rect 2 3" "shape_name, case 1"

/// Errors from proxies are the client's exception types, and the connection stays usable.
let expectInteropErrors (client: TinoClient) =
    let interop = client.CreateProxy<IInterop>()
    let mistakes = client.CreateProxy<IMistakes>()
    Throws.Of<TinoCommandNotFoundException>(mistakes.MissingAsync()) |> ignore
    let count = Throws.Of<TinoArgumentException>(mistakes.AddOneAsync 1)
    Expect.equal (count.Code, count.Detail) ("NUM_ARG_MISMATCH", "expected 2 got 1") "count"
    let validation = Throws.Of<TinoArgumentException>(mistakes.AddTextAsync("one", 2).AsTask())
    Expect.equal (validation.Code, locationOf validation) ("VALIDATION_ERROR", [ "command"; "a" ]) "validation"
    Throws.Of<TinoPermissionException>(interop.WhoamiAsync()) |> ignore
    let failed = Throws.Of<TinoRemoteException>(interop.FailAsync("NOT_FOUND", "gone"))
    Expect.equal (failed.Code, failed.Message) ("NOT_FOUND", "gone") "a handler's own error, from a Task method"
    let crashed = Throws.Of<TinoRemoteException>(interop.CrashAsync().AsTask())
    Expect.equal crashed.Code "UNEXPECTED_ERROR" "crash, from a ValueTask method"
    Expect.isNull (awaitValue (interop.MaybeWhoamiAsync())) "maybe_whoami without AUTH"
    Expect.equal (await (interop.AddAsync(1, 2))) 3L "still usable"

[<Tests>]
let shapes =
    testSequenced <| testList "C# proxies" [
        for made, proxyOf in [ "emitted", (fun (client: ITinoClient) -> client.CreateProxy<IMoreShapes>()); "generated", ProxyApps.GeneratedMoreShapes ] do
          test $"call every result shape of the contract the server implements ({made} proxy)" {
            withHost (ProxyApps.Shapes()) tina (fun host ->
                let shapes = proxyOf host.Client
                let emitted = shapes.GetType().Assembly.IsDynamic
                Expect.equal emitted (made = "emitted") "the emitted class is Reflection.Emit's, the generated one is compiled"
                Expect.equal (await (shapes.AddAsync(1, 2))) 3L "Task<long>"
                Expect.equal (awaitValue (shapes.SubtractAsync(10L, 4L))) 6L "ValueTask<long>"
                Expect.isNull (await (shapes.RecallAsync())) "nil as a null string"
                awaitUnit (shapes.RememberAsync "milk")
                Expect.equal (await (shapes.RecallAsync())) "milk" "Task, for its effect"
                awaitUnit (shapes.ForgetAsync().AsTask())
                Expect.isNull (await (shapes.RecallAsync())) "ValueTask, for its effect"
                Expect.equal (await (shapes.OlderAsync(Person("Ada", 36), 1))) (Person("Ada", 37)) "records"
                Expect.equal (awaitValue (shapes.ScaleAsync([| 1.0; -2.5 |], 2.0, true))) [| -2.0; 5.0 |] "arrays, floats, bools"
                Expect.equal (await (shapes.ReverseAsync [| 1uy; 2uy; 3uy |])) [| 3uy; 2uy; 1uy |] "bytes"
                Expect.equal (awaitValue (shapes.SleepAsync(5, CancellationToken.None))) 5 "a token parameter is not sent"
                Expect.equal (await (shapes.WhoAmIAsync(Unchecked.defaultof<_>))) "tina" "AuthRequired is not sent"
                Expect.equal (awaitValue (shapes.CountAsync("<", Unchecked.defaultof<_>, ">"))) "<1>" "ConnState is not sent"
                Expect.equal (awaitValue (shapes.CountAsync("<", Unchecked.defaultof<_>, ">"))) "<2>" "and the server keeps it"
                Expect.equal (await (shapes.RenamedAsync())) "renamed" "[CommandName]"
                Expect.equal (await (shapes.EchoTextAsync "héllo")) "héllo" "a method of the extending interface")
          }
        test "a token cancels the call at once and the replies stay in step" {
            withHost (ProxyApps.Shapes()) tina (fun host ->
                let shapes = host.Client.CreateProxy<IShapes>()
                use cancel = new CancellationTokenSource()
                let slow = shapes.SleepAsync(2000, cancel.Token).AsTask()
                let next = shapes.AddAsync(20, 22)
                cancel.Cancel()
                Expect.isTrue (try slow.Wait 1000 with _ -> true) "returned without waiting for the reply"
                Throws.Of<OperationCanceledException>(slow) |> ignore
                Expect.equal (await next) 42L "the next call gets its own reply")
        }
        test "magic parameters the server fills: AuthRequired without AUTH is refused" {
            withHost (ProxyApps.Shapes()) TinoClientOptions.Default (fun host ->
                let shapes = host.Client.CreateProxy<IShapes>()
                Throws.Of<TinoPermissionException>(shapes.WhoAmIAsync(Unchecked.defaultof<_>)) |> ignore)
        }
        test "a proxy of an internal interface with an internal record calls through" {
            withHost (ProxyApps.Shapes()) tina (fun host ->
                Expect.equal (await (ProxyApps.AddThroughInternalContract(host.Client, 40, 2))) 42L "internal contract")
        }
        test "the proxy class is made once per contract" {
            withHost (ProxyApps.Shapes()) tina (fun host ->
                let first = host.Client.CreateProxy<IShapes>()
                let second = host.Client.CreateProxy<IShapes>()
                Expect.isFalse (obj.ReferenceEquals(first, second)) "two proxies"
                Expect.equal (first.GetType()) (second.GetType()) "one class")
        }
        test "many concurrent callers through one proxy each get their own reply" {
            withHost (ProxyApps.Shapes()) tina (fun host ->
                let shapes = host.Client.CreateProxy<IShapes>()
                let worker (w: int) =
                    task {
                        for i in 0 .. 99 do
                            let! sum = shapes.AddAsync(w, i)
                            if sum <> int64 (w + i) then failwithf "add(%d, %d) replied %d" w i sum
                    }
                Task.WhenAll(Array.init 50 worker).Wait())
        }
        testList "a contract that cannot be a proxy fails with TinoBuildException" [
            for mistake, create in NotProxies.All ->
                test mistake {
                    withHost (ProxyApps.Shapes()) tina (fun host ->
                        Expect.throwsT<TinoBuildException> (fun () -> create.Invoke host.Client) mistake)
                }
        ]
        testList "the interop contract" [
            for name, create in interopServers ->
                test $"calls every command of {name}" {
                    withHost (create ()) tina (fun host -> expectInterop (host.Client.CreateProxy<IInterop>()))
                }
        ]
        testList "stream methods (IAsyncEnumerable<T>)" [
            for name, create in interopServers ->
                test $"read range of {name} to its end and leave it early" {
                    withHost (create ()) tina (fun host ->
                        let interop = host.Client.CreateProxy<IInterop>()
                        Expect.equal (List.ofSeq (await (StreamReading.AllAsync(interop.Range 5)))) [ 0 .. 4 ] "every item"
                        Expect.isEmpty (await (StreamReading.AllAsync(interop.Range 0))) "an empty stream"
                        Expect.equal (List.ofSeq (await (StreamReading.AllAsync(interop.Range 10_000)))) [ 0 .. 9_999 ] "many batches, in order"
                        let range = interop.Range 3
                        Expect.equal (List.ofSeq (await (StreamReading.AllAsync range))) (List.ofSeq (await (StreamReading.AllAsync range))) "each enumeration calls again"
                        Expect.equal (List.ofSeq (await (StreamReading.TakeAsync(interop.Range 1_000_000, 5)))) [ 0 .. 4 ] "break after five"
                        Expect.equal (await (interop.AddAsync(1, 2))) 3L "the server's next call works"
                        Expect.equal (List.ofSeq (await (StreamReading.AllAsync(interop.Range 3)))) [ 0; 1; 2 ] "and the next stream"
                        Expect.equal (List.ofSeq (await (StreamReading.AllAsync(interop.RangeAsync(4, CancellationToken.None))))) [ 0 .. 3 ] "a token parameter is not sent"
                        use cancel = new CancellationTokenSource()
                        cancel.Cancel()
                        Throws.Of<OperationCanceledException>(StreamReading.AllAsync(interop.RangeAsync(1_000_000, cancel.Token))) |> ignore
                        Expect.equal (await (interop.AddAsync(2, 3))) 5L "still usable after a cancelled stream")
                }
        ]
        test "a proxy over a cluster client spreads its calls over the servers and reads streams from one" {
            let servers = [ for _, create in interopServers -> Tino.Tests.Client.ClusterClientTests.start (create ()) ]
            let options = TinoClusterOptions(Client = tina)
            let cluster = Tino.Tests.Client.ClusterClientTests.connectCluster [ for server in servers -> Tino.Tests.Client.ClusterClientTests.uriOf server ] options
            try
                let interop = cluster.CreateProxy<IInterop>()
                // counter is per connection: in turn over two servers, each connection counts 1 then 2.
                Expect.equal [ for _ in 1..4 -> await (interop.CounterAsync()) ] [ 1; 1; 2; 2 ] "round robin over both servers"
                Expect.equal (List.ofSeq (await (StreamReading.AllAsync(interop.Range 1000)))) [ 0 .. 999 ] "a stream, whole, from one server"
                Expect.equal (await (interop.AddAsync(1, 2))) 3L "add"
            finally
                Tino.Tests.Client.ClusterClientTests.dispose cluster
                for server in servers do
                    Tino.Tests.Client.ClusterClientTests.stop server
        }
        testList "errors from proxies map to the client's exception types" [
            for name, create in interopServers ->
                test $"from {name}" { withHost (create ()) TinoClientOptions.Default (fun host -> expectInteropErrors host.Client) }
        ]
    ]
