/// The F# client: records of functions as contracts (tino { implement } serves one, Client.proxy calls one), the
/// untyped Client module, against the implementing app and both interop servers.
module Tino.Tests.FSharp.ClientTests

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Client
open Tino.Samples.InteropServer.InteropApp
open Tino.Tests.Client.ClientTests
open Tino.Tests.Client.Hosts
open Tino.FSharp

type Person = { name: string; age: int }

type Figure =
    | Disc of radius: float
    | Square of side: float

/// A contract with every result shape a proxy supports, a token, magic parameters, F# types and six parameters.
type ShapesApi =
    { add: int -> int -> Task<int64>
      subtract: int64 -> int64 -> ValueTask<int64>
      half: float -> Async<float>
      remember: string -> Task
      forget: unit -> ValueTask
      recall: unit -> Async<string option>
      clear: unit -> Async<unit>
      touch: unit -> Task<unit>
      older: Person -> int -> Task<Person>
      area: Figure -> ValueTask<float>
      sum: int list -> Async<int>
      sleep: int -> CancellationToken -> Task<int>
      doze: int -> Async<int>
      whoami: AuthRequired<string> -> Task<string>
      count: string -> ConnState<int> -> string -> ValueTask<string>
      six: int -> int -> int -> int -> int -> int -> Task<int> }

let shapesApi () =
    let remembered = ref None
    let touched = ref 0
    { add = fun a b -> Task.FromResult(int64 a + int64 b)
      subtract = fun a b -> ValueTask<int64>(a - b)
      half = fun x -> async { return x / 2.0 }
      remember =
        fun text ->
            remembered.Value <- Some text
            Task.CompletedTask
      forget =
        fun () ->
            remembered.Value <- None
            ValueTask.CompletedTask
      recall = fun () -> async { return remembered.Value }
      clear = fun () -> async { remembered.Value <- None }
      touch = fun () -> task { touched.Value <- touched.Value + 1 }
      older = fun person years -> Task.FromResult { person with age = person.age + years }
      area =
        fun figure ->
            match figure with
            | Disc radius -> ValueTask<float>(Math.PI * radius * radius)
            | Square side -> ValueTask<float>(side * side)
      sum = fun values -> async { return List.sum values }
      sleep =
        fun ms cancellation ->
            task {
                do! Task.Delay(ms, cancellation)
                return ms
            }
      doze =
        fun ms ->
            async {
                do! Async.Sleep ms
                return ms
            }
      whoami = fun auth -> Task.FromResult auth.Value
      count =
        fun prefix calls suffix ->
            calls.Value <- calls.Value + 1
            ValueTask<string>($"{prefix}{calls.Value}{suffix}")
      six = fun a b c d e f -> Task.FromResult(a + b + c + d + e + f) }

let shapesApp () =
    tino {
        auth (fun password -> if password = "tinaspassword" then Some "tina" else None)
        state (fun () -> 0)
        implement (shapesApi ())
    }

/// The interop command surface (docs/interop-server.md) as a record of functions, for either interop server.
type InteropApi =
    { add: int -> int -> Task<int64>
      echo_value: string -> Task<string>
      concat: string list -> Task<string>
      create_note: NoteInput -> Task<Note>
      read_notes: unit -> Async<Note list>
      get_note: int -> ValueTask<Note option>
      whoami: unit -> Task<string>
      maybe_whoami: unit -> Async<string option>
      counter: unit -> Task<int>
      fail: string -> string -> Task
      crash: unit -> ValueTask
      sleep: int -> CancellationToken -> Task<int>
      blob: int -> Task<byte[]>
      blob_len: byte[] -> Async<int>
      echo_bin: byte[] -> Task<byte[]>
      shape_name: Shape -> Task<string> }

/// The interop servers' stream command (`range n` gives 0 .. n-1) as fields of a record, beside a plain call.
type InteropStreams =
    { range: int -> IAsyncEnumerable<int>
      add: int -> int -> Task<int64> }

/// `range` with a token: given to the stream, not sent.
type RangeUntil = { range: int -> CancellationToken -> IAsyncEnumerable<int> }

type NoSuchCommand = { nope: unit -> Task<int> }

type AddOne = { add: int -> Task<int64> }

type AddText = { add: string -> int -> Async<int64> }

type NotFunctions = { add: Task<int> }

type NotTasks = { add: int -> int -> int64 }

let private run (computation: Async<'T>) = Async.RunSynchronously(computation, 10000)

[<Tests>]
let contracts =
    testSequenced <| testList "F# records of functions" [
        test "tino { implement } serves each field as the command of its name" {
            let app = shapesApp ()
            Expect.equal
                [ for c in app.Commands -> c.Name ]
                [ "add"; "subtract"; "half"; "remember"; "forget"; "recall"; "clear"; "touch"; "older"; "area"; "sum"; "sleep"; "doze"; "whoami"; "count"; "six" ]
                "names"
            let count = app.Commands |> Seq.find (fun c -> c.Name = "count")
            Expect.equal count.WireArity 2 "ConnState is the server's, not an argument"
        }
        test "Client.proxy calls every result shape of the record the server implements" {
            withHost (shapesApp ()) tina (fun host ->
                let api = Client.proxy<ShapesApi> host.Client
                Expect.equal (await (api.add 1 2)) 3L "Task<int64>"
                let add40 = api.add 40
                Expect.equal (await (add40 2)) 42L "a partial application"
                Expect.equal (await (add40 3)) 43L "used twice"
                Expect.equal (awaitValue (api.subtract 10L 4L)) 6L "ValueTask<int64>"
                Expect.equal (run (api.half 5.0)) 2.5 "Async<float>"
                awaitUnit (api.remember "milk")
                Expect.equal (run (api.recall ())) (Some "milk") "Task, for its effect; an option back"
                awaitUnit (api.forget().AsTask())
                Expect.equal (run (api.recall ())) None "ValueTask, for its effect"
                awaitUnit (api.remember "bread")
                run (api.clear ())
                Expect.equal (run (api.recall ())) None "Async<unit>"
                Expect.equal (await (api.touch ())) () "Task<unit>"
                Expect.equal (await (api.older { name = "Ada"; age = 36 } 1)) { name = "Ada"; age = 37 } "records"
                Expect.equal (awaitValue (api.area (Square 3.0))) 9.0 "unions"
                Expect.equal (run (api.sum [ 1; 2; 3 ])) 6 "lists"
                Expect.equal (await (api.sleep 5 CancellationToken.None)) 5 "a token is not sent"
                Expect.equal (await (api.whoami (AuthRequired "ignored"))) "tina" "AuthRequired is not sent"
                Expect.equal (awaitValue (api.count "<" (ConnState 0) ">")) "<1>" "ConnState is not sent"
                Expect.equal (await (api.six 1 2 3 4 5 6)) 21 "six parameters")
        }
        test "a token parameter cancels the call at once and the replies stay in step" {
            withHost (shapesApp ()) tina (fun host ->
                let api = Client.proxy<ShapesApi> host.Client
                use cancel = new CancellationTokenSource()
                let slow = api.sleep 2000 cancel.Token
                let next = api.add 20 22
                cancel.Cancel()
                Expect.isTrue (try slow.Wait 1000 with _ -> true) "returned without waiting for the reply"
                Throws.Of<OperationCanceledException>(slow) |> ignore
                Expect.equal (await next) 42L "the next call gets its own reply")
        }
        test "an Async proxy function is cold, and cancelling the async cancels its call" {
            withHost (shapesApp ()) tina (fun host ->
                let api = Client.proxy<ShapesApi> host.Client
                let clearing = api.clear ()
                awaitUnit (api.remember "milk")
                Expect.equal (run (api.recall ())) (Some "milk") "making the async called nothing"
                run clearing
                Expect.equal (run (api.recall ())) None "running it called"
                awaitUnit (api.remember "bread")
                run clearing
                Expect.equal (run (api.recall ())) None "and running it again calls again"
                use cancel = new CancellationTokenSource()
                let dozing = Async.StartAsTask(api.doze 2000, cancellationToken = cancel.Token)
                let next = api.add 1 1
                cancel.Cancel()
                Expect.isTrue (try dozing.Wait 1000 with _ -> true) "returned without waiting for the reply"
                Throws.Of<OperationCanceledException>(dozing) |> ignore
                Expect.equal (await next) 2L "the next call gets its own reply")
        }
        testList "Client.proxy of the interop contract" [
            for name, create in interopServers ->
                test $"calls every command of {name}" {
                    withHost (create ()) (Client.withFSharpTypes tina) (fun host ->
                        let api = Client.proxy<InteropApi> host.Client
                        Expect.equal (await (api.add Int32.MaxValue Int32.MaxValue)) 4294967294L "add"
                        Expect.equal (await (api.echo_value "echo")) "echo" "echo_value"
                        Expect.equal (await (api.concat [ "a"; "b"; "c" ])) "abc" "concat"
                        Expect.equal (await (api.create_note { text = "first"; completed = false })) { id = 1; text = "first"; completed = false } "create_note"
                        Expect.equal (await (api.create_note { text = "second"; completed = true })) { id = 2; text = "second"; completed = true } "ids go up"
                        Expect.equal (run (api.read_notes ())) [ { id = 1; text = "first"; completed = false }; { id = 2; text = "second"; completed = true } ] "read_notes"
                        Expect.equal (awaitValue (api.get_note 2)) (Some { id = 2; text = "second"; completed = true }) "get_note"
                        Expect.equal (awaitValue (api.get_note 99)) None "get_note of nothing"
                        Expect.equal (await (api.whoami ())) "tina" "whoami"
                        Expect.equal (run (api.maybe_whoami ())) (Some "tina") "maybe_whoami"
                        Expect.equal (await (api.counter ())) 1 "counter"
                        Expect.equal (await (api.counter ())) 2 "counter again"
                        Expect.equal (await (api.sleep 5 CancellationToken.None)) 5 "sleep"
                        Expect.equal (await (api.blob 300)) (Array.init 300 (fun i -> byte (i % 251))) "blob"
                        Expect.equal (run (api.blob_len [| 1uy; 2uy; 3uy |])) 3 "blob_len"
                        Expect.equal (await (api.echo_bin [| 4uy; 5uy |])) [| 4uy; 5uy |] "echo_bin"
                        Expect.equal (await (api.shape_name (Circle 1.5))) "circle 1.5" "shape_name, case 0"
                        Expect.equal (await (api.shape_name (Rect(2.0, 3.0)))) "rect 2 3" "shape_name, case 1")
                }
        ]
        testList "Client.proxy of a stream field (IAsyncEnumerable<'T>)" [
            for name, create in interopServers ->
                test $"reads range of {name} to its end and leaves it early" {
                    withHost (create ()) (Client.withFSharpTypes tina) (fun host ->
                        let api = Client.proxy<InteropStreams> host.Client
                        Expect.equal (readStream (api.range 5)) [ 0 .. 4 ] "every item"
                        Expect.equal (readStream (api.range 0)) [] "an empty stream"
                        Expect.equal (readStream (api.range 10_000)) [ 0 .. 9_999 ] "many batches, in order"
                        let range = api.range 3
                        Expect.equal (readStream range) (readStream range) "each enumeration calls again"
                        Expect.equal (takeStream 5 (api.range 1_000_000)) [ 0 .. 4 ] "leave after five"
                        Expect.equal (await (api.add 1 2)) 3L "the server's next call works"
                        Expect.equal (readStream (api.range 3)) [ 0; 1; 2 ] "and the next stream"
                        let until = Client.proxy<RangeUntil> host.Client
                        Expect.equal (readStream (until.range 4 CancellationToken.None)) [ 0 .. 3 ] "a token parameter is not sent"
                        use cancel = new CancellationTokenSource()
                        cancel.Cancel()
                        Throws.Of<OperationCanceledException>(task { return readStream (until.range 1_000_000 cancel.Token) }) |> ignore
                        Expect.equal (await (api.add 2 3)) 5L "still usable after a cancelled stream")
                }
        ]
        testList "errors from F# proxies map to the client's exception types" [
            for name, create in interopServers ->
                test $"from {name}" {
                    withHost (create ()) (Client.withFSharpTypes TinoClientOptions.Default) (fun host ->
                        let api = Client.proxy<InteropApi> host.Client
                        Throws.Of<TinoCommandNotFoundException>((Client.proxy<NoSuchCommand> host.Client).nope ()) |> ignore
                        let count = Throws.Of<TinoArgumentException>((Client.proxy<AddOne> host.Client).add 1)
                        Expect.equal (count.Code, count.Detail) ("NUM_ARG_MISMATCH", "expected 2 got 1") "count"
                        let validation = Throws.Of<TinoArgumentException>(Async.StartAsTask((Client.proxy<AddText> host.Client).add "one" 2))
                        Expect.equal (validation.Code, locationOf validation) ("VALIDATION_ERROR", [ "command"; "a" ]) "validation, through an Async"
                        Throws.Of<TinoPermissionException>(api.whoami ()) |> ignore
                        let failed = Throws.Of<TinoRemoteException>(api.fail "NOT_FOUND" "gone")
                        Expect.equal (failed.Code, failed.Message) ("NOT_FOUND", "gone") "a handler's own error"
                        let crashed = Throws.Of<TinoRemoteException>(api.crash().AsTask())
                        Expect.equal crashed.Code "UNEXPECTED_ERROR" "crash"
                        Expect.equal (run (api.maybe_whoami ())) None "maybe_whoami without AUTH"
                        Expect.equal (await (api.add 1 2)) 3L "still usable")
                }
        ]
        test "a type that is not a record of task-returning functions is not a contract" {
            withHost (shapesApp ()) tina (fun host ->
                Expect.throwsT<TinoBuildException> (fun () -> Client.proxy<int> host.Client |> ignore) "not a record"
                Expect.throwsT<TinoBuildException> (fun () -> Client.proxy<NotFunctions> host.Client |> ignore) "a field that is not a function"
                let notTasks = Expect.throwsC (fun () -> Client.proxy<NotTasks> host.Client |> ignore) id
                Expect.stringContains notTasks.Message "Task<'T>, ValueTask<'T>, Async<'T>" "names the shapes it takes")
            let build (app: unit -> TinoApp) = Expect.throwsT<TinoBuildException> (fun () -> app () |> ignore)
            build (fun () -> tino { implement 42 }) "implement of a number"
            build (fun () -> tino { implement { NotFunctions.add = Task.FromResult 1 } }) "implement of a record with a value field"
        }
    ]

[<Tests>]
let untyped =
    testSequenced <| testList "F# Client module" [
        test "connect, call, callAsync and send, with F# types on the wire" {
            withHost (create ()) TinoClientOptions.Default (fun host ->
                let client = (Client.connect $"redis://:tinaspassword@127.0.0.1:{host.EndPoint.Port}").Result
                try
                    Expect.equal (await (Client.call<int64> client "add" [ arg 1; arg 2 ])) 3L "call"
                    Expect.equal (run (Client.callAsync<string> client "whoami" [])) "tina" "callAsync, authenticated from the URI"
                    let note = await (Client.call<Note> client "create_note" [ arg { text = "milk"; completed = false } ])
                    Expect.equal note { id = 1; text = "milk"; completed = false } "records"
                    Expect.equal (await (Client.call<Note option> client "get_note" [ arg 7 ])) None "options"
                    Expect.equal (await (Client.call<string> client "shape_name" [ arg (Rect(1.0, 2.0)) ])) "rect 1 2" "unions"
                    awaitUnit (Client.send client "counter" [])
                    Expect.equal (await (Client.call<int> client "counter" [])) 2 "send, for its effect"
                finally
                    client.DisposeAsync().AsTask().Wait())
        }
        test "connectWith takes options; connectApp checks calls against the app before sending" {
            withHost (create ()) TinoClientOptions.Default (fun host ->
                let uri = $"redis://127.0.0.1:{host.EndPoint.Port}"
                let client = (Client.connectWith (TinoClientOptions(Password = "bobspassword")) uri).Result
                try Expect.equal (await (Client.call<string> client "whoami" [])) "bob" "options"
                finally client.DisposeAsync().AsTask().Wait()
                let app = create ()
                let checkedClient = (Client.connectApp app tina uri).Result
                try
                    Expect.equal (await (Client.call<string> checkedClient "whoami" [])) "tina" "a command of the app"
                    let refused = Throws.Of<TinoArgumentException>(Client.call<int64> checkedClient "add" [ arg 1; arg 2; arg 3 ])
                    Expect.equal refused.Detail "expected 2 got 3" "refused before sending"
                finally
                    checkedClient.DisposeAsync().AsTask().Wait())
        }
    ]
