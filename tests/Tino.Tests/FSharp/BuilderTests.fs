module Tino.Tests.FSharp.BuilderTests

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open FsCheck.FSharp
open MessagePack
open Tino
open Tino.FSharp
open Tino.FSharp.Serialization
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.FSharp.FSharpTypes

/// MessagePack of an F# value, through the F# resolver.
let fs (value: 'T) = MessagePackSerializer.Serialize<'T>(value, FSharpMessagePack.options)

/// The F# value inside a successful reply.
let fsValue<'T> (reply: Tino.Protocol.RespReply) : 'T =
    if reply.Kind <> Tino.Protocol.RespReplyKind.BulkString then failwithf "expected a bulk reply, got %s" (text reply)
    MessagePackSerializer.Deserialize<'T>(reply.Bytes, FSharpMessagePack.options)

/// The error line of a handler's `Error`: its code and message, then the error value's MessagePack in base64.
let withValue (codeAndMessage: string) (value: 'E) =
    $"{codeAndMessage} \"{Convert.ToBase64String(fs value)}\""

/// The message of the TinoBuildException that building raises.
let buildError (build: unit -> TinoApp) =
    try
        build () |> ignore
        failtest "expected the app to be refused"
    with :? TinoBuildException as error ->
        error.Message

let add (a: int) (b: int) = a + b

let six (a: int) (b: int) (c: int) (d: int) (e: int) (f: int) = [ a; b; c; d; e; f ]

type NoteError =
    | NotFound of id: int
    | InvalidInput of reason: string
    | Forbidden

let findNote (id: int) : Result<string, NoteError> =
    match id with
    | 1 -> Ok "milk"
    | 2 -> Error Forbidden
    | 3 -> Error(InvalidInput "the id is odd")
    | _ -> Error(NotFound id)

let middlewareSaw = Collections.Concurrent.ConcurrentQueue<string>()

let shapes =
    tino {
        auth (fun password -> if password = "secret" then Some "tina" else None)
        state (fun () -> 10)
        command "add" add
        command "six" six
        command "nothing" (fun () -> 42)
        command "unit_result" (fun (_: int) -> ())
        command "tupled" (fun (a: int, b: string) -> $"{b}{a}")
        command "magic_anywhere" (fun (a: int) (who: Auth<string>) (b: int) (cancellation: CancellationToken) (calls: ConnState<int>) ->
            calls.Value <- calls.Value + 1
            $"{a + b} {who.HasValue} {cancellation.CanBeCanceled} {calls.Value}")
        command "whoami" (fun (auth: AuthRequired<string>) -> auth.Value)
        command "async_value" (fun (n: int) -> async { return n * 2 })
        command "async_unit" (fun (_: int) -> async { return () })
        command "task_value" (fun (n: int) -> task { return n + 1 })
        command "task_plain" (fun (n: int) -> Task.Delay n)
        command "value_task" (fun (n: int) -> ValueTask<int>(n - 1))
        command "result" findNote
        command "result_string" (fun (ok: bool) -> if ok then Ok 1 else Error "it went wrong")
        command "result_exception" (fun (code: string) -> (Error(TinoException(code, "typed")): Result<int, TinoException>))
        command "result_exn" (fun () -> (Error(InvalidOperationException "hidden"): Result<int, exn>))
        command "task_result" (fun (id: int) -> task { return findNote id })
        command "async_result" (fun (id: int) -> async { return findNote id })
        command "optional" (fun (name: string option) -> defaultArg name "nobody")
        command "required" (fun (name: string) -> name.Length)
        command "count_items" (fun (count: int) (items: Shape list) -> count + items.Length)
        command "delegate" (Func<int, int>(fun n -> n * 3))
        command "echo_outer" (fun (o: Outer) -> o)
        command "echo_shape" (fun (s: Shape) -> s)
        use_middleware (fun next context ->
            middlewareSaw.Enqueue context.Command.Name
            next context)
    }

[<Tests>]
let handlerShapes =
    testSequenced <| testList "tino { } handler shapes" [
        test "curried parameters are wire arguments by position, up to any arity" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("add", mp 1, mp 2))) 3 "add"
                Expect.equal (fsValue<int list> (c.Call("six", mp 1, mp 2, mp 3, mp 4, mp 5, mp 6))) [ 1 .. 6 ] "six"
                expectErrorStarts "NUM_ARG_MISMATCH expected 6 got 5" (c.Call("six", mp 1, mp 2, mp 3, mp 4, mp 5)))
        }
        test "a function of unit takes no argument; a unit result replies nil" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call "nothing")) 42 "nothing"
                Expect.equal ((c.Call("unit_result", mp 1)).Bytes.ToArray()) [| 0xC0uy |] "nil")
        }
        test "a tupled parameter is one argument, a MessagePack array" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("tupled", mp [| box 7; box "x" |]))) "x7" "tupled")
        }
        test "magic parameters stand anywhere and are not sent" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("magic_anywhere", mp 1, mp 2))) "3 False True 11" "first call"
                c.Call("AUTH", ascii "secret") |> ignore
                Expect.equal (value<string> (c.Call("magic_anywhere", mp 1, mp 2))) "3 True True 12" "after AUTH")
        }
        test "AuthRequired refuses until AUTH succeeds, then gives the auth value" {
            withApp shapes (fun server ->
                use c = connect server
                expectErrorStarts "PERMISSION_DENIED" (c.Call "whoami")
                expectErrorStarts "PERMISSION_DENIED" (c.Call("AUTH", ascii "wrong"))
                use c = connect server
                Expect.equal (text (c.Call("AUTH", ascii "secret"))) "OK" "auth"
                Expect.equal (value<string> (c.Call "whoami")) "tina" "whoami")
        }
        test "Async, Task, Task<T> and ValueTask<T> results are awaited" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("async_value", mp 21))) 42 "async"
                Expect.equal ((c.Call("async_unit", mp 0)).Bytes.ToArray()) [| 0xC0uy |] "Async<unit> replies nil"
                Expect.equal (value<int> (c.Call("task_value", mp 41))) 42 "task"
                Expect.equal ((c.Call("task_plain", mp 5)).Bytes.ToArray()) [| 0xC0uy |] "Task replies nil"
                Expect.equal (value<int> (c.Call("value_task", mp 43))) 42 "value task")
        }
        test "Ok replies the value; an Error union case replies its name as the code" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("result", mp 1))) "milk" "Ok"
                Expect.equal (errorText (c.Call("result", mp 2))) (withValue "FORBIDDEN \"Forbidden\"" Forbidden) "case without fields"
                Expect.equal (errorText (c.Call("result", mp 3))) (withValue "INVALID_INPUT \"the id is odd\"" (InvalidInput "the id is odd")) "one string field"
                Expect.equal (errorText (c.Call("result", mp 9))) (withValue "NOT_FOUND \"NotFound 9\"" (NotFound 9)) "other fields")
        }
        test "an Error string replies ERROR; a TinoException its code; another exception UNEXPECTED_ERROR" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("result_string", mp true))) 1 "Ok"
                Expect.equal (errorText (c.Call("result_string", mp false))) (withValue "ERROR \"it went wrong\"" "it went wrong") "string"
                Expect.equal (errorText (c.Call("result_exception", mp "GONE"))) "GONE \"typed\"" "TinoException"
                let unexpected = errorText (c.Call "result_exn")
                Expect.stringStarts unexpected "UNEXPECTED_ERROR" "exn"
                Expect.isFalse (unexpected.Contains "hidden") "the message stays hidden")
        }
        test "Result inside Task and Async is unwrapped the same way" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("task_result", mp 1))) "milk" "task Ok"
                Expect.equal (errorText (c.Call("task_result", mp 2))) (withValue "FORBIDDEN \"Forbidden\"" Forbidden) "task Error"
                Expect.equal (errorText (c.Call("async_result", mp 5))) (withValue "NOT_FOUND \"NotFound 5\"" (NotFound 5)) "async Error")
        }
        test "error locations carry the F# parameter names" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("add", mp 1, mp "two"))) "VALIDATION_ERROR [\"command\",\"b\"] \"expected int32, got string\" \"int32\"" "add b"
                let bad = Array.concat [ [| 0x91uy; 0x92uy; 0x00uy; 0x81uy |]; SerializationTests.str "radius"; SerializationTests.str "x" ]
                Expect.equal (errorText (c.Call("count_items", mp 1, bad))) "VALIDATION_ERROR [\"command\",\"items\",0,\"radius\"] \"expected float64, got string\" \"float64\"" "deep"
                expectErrorStarts "VALIDATION_ERROR [\"command\",\"f\"]" (c.Call("six", mp 1, mp 2, mp 3, mp 4, mp 5, mp "x")))
        }
        test "an option parameter accepts nil; a string parameter does not" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("optional", [| 0xC0uy |]))) "nobody" "None"
                Expect.equal (value<string> (c.Call("optional", mp "tina"))) "tina" "Some"
                expectErrorStarts "VALIDATION_ERROR [\"command\",\"name\"] \"nil is not allowed\"" (c.Call("required", [| 0xC0uy |])))
        }
        test "a .NET delegate is a handler too" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("delegate", mp 14))) 42 "delegate")
        }
        test "middleware declared with use_middleware runs around the handler" {
            withApp shapes (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("add", mp 1, mp 1))) 2 "add"
                Expect.contains middlewareSaw "add" "the middleware saw the call")
        }
        test "F# values round-trip through a live server's echo handler" {
            withApp shapes (fun server ->
                use c = connect server
                for outer in Gen.sampleWithSize 20 150 generate<Outer> do
                    Expect.equal (fsValue<Outer> (c.Call("echo_outer", fs outer))) (normalize outer) "echo"
                for shape in [ Circle 0.1; Rect(1e300, -2.5); Dot ] do
                    Expect.equal ((c.Call("echo_shape", fs shape)).Bytes.ToArray()) (fs shape) "the same bytes back")
        }
    ]

[<Tests>]
let buildMistakes =
    testList "tino { } build-time mistakes" [
        test "a duplicate name is refused, naming the command" {
            let message = buildError (fun () -> tino { command "twice" add; command "TWICE" add })
            Expect.stringContains message "'TWICE'" "names it"
            Expect.stringContains message "twice" "says why"
        }
        test "a reserved name is refused" {
            Expect.stringContains (buildError (fun () -> tino { command "ping" add })) "reserved" "ping"
        }
        test "a handler that is not a function is refused, naming the command" {
            let message = buildError (fun () -> tino { command "constant" 42 })
            Expect.stringContains message "'constant'" "names it"
            Expect.stringContains message "must be a function" "says why"
        }
        test "a parameter type that cannot go on the wire is refused" {
            let message = buildError (fun () -> tino { command "callback" (fun (f: int -> int) -> f 1) })
            Expect.stringContains message "'callback'" "names it"
            Expect.stringContains message "'f'" "names the parameter"
            Expect.stringContains message "is a function, and functions cannot travel" "says why"
            Expect.stringContains message "Publisher" "and what to use instead"
        }
        test "a stream, a task or a service taken as a parameter is refused with what to use instead" {
            let stream = buildError (fun () -> tino { command "upload" (fun (content: IO.Stream) -> content.Length) })
            Expect.stringContains stream "parameter 'content' of type Stream is a stream" "a stream"
            Expect.stringContains stream "byte[]" "bytes instead"
            let pending = buildError (fun () -> tino { command "later" (fun (value: Task<int>) -> value.Result) })
            Expect.stringContains pending "parameter 'value' of type Task<Int32> is a task" "a task"
            let service = buildError (fun () -> tino { command "resolve" (fun (services: IServiceProvider) (n: int) -> services.GetHashCode() + n) })
            Expect.stringContains service "parameter 'services' of type IServiceProvider is not data a caller can send: it is an interface" "an interface"
            Expect.stringContains service "capture it in the handler" "the F# way to give it"
        }
        test "AuthRequired without auth is refused" {
            let message = buildError (fun () -> tino { command "me" (fun (a: AuthRequired<string>) -> a.Value) })
            Expect.stringContains message "'me'" "names it"
            Expect.stringContains message "auth function" "says what is missing"
        }
        test "AuthRequired of another type than auth gives is refused" {
            let message =
                buildError (fun () ->
                    tino {
                        auth (fun p -> Some p)
                        command "me" (fun (a: AuthRequired<int>) -> a.Value)
                    })
            Expect.stringContains message "'me'" "names it"
        }
        test "ConnState without state, or of another type, is refused" {
            let handler (s: ConnState<string>) = s.Value
            Expect.stringContains (buildError (fun () -> tino { command "s" handler })) "state factory" "missing"
            let typed = buildError (fun () -> tino { state (fun () -> 0); command "s" handler })
            Expect.stringContains typed "'s'" "names it"
            Expect.stringContains typed "ConnState<String>" "mismatch"
        }
        test "auth or state declared twice is refused" {
            Expect.stringContains (buildError (fun () -> tino { auth (fun p -> Some p); auth (fun p -> Some p) })) "auth" "auth"
            Expect.stringContains (buildError (fun () -> tino { state (fun () -> 0); state (fun () -> 1) })) "state" "state"
        }
        test "options declared in the expression reach the app" {
            let app =
                tino {
                    max_nesting_depth 8
                    max_concurrent_calls 4
                    expose_exception_messages true
                    command "add" add
                }
            Expect.equal app.Options.MaxNestingDepth 8 "depth"
            Expect.equal app.Options.MaxConcurrentCallsPerConnection 4 "calls"
            Expect.isTrue app.Options.ExposeExceptionMessages "expose"
            Expect.equal (nonNull app.Options.SerializerOptions).Security.MaximumObjectGraphDepth 9 "the F# serializer with that depth"
            Expect.equal TinoOptions.Default.MaxNestingDepth 64 "the defaults are untouched"
        }
        test "start-up and shut-down hooks run in order" {
            let events = Collections.Concurrent.ConcurrentQueue<string>()
            let app =
                tino {
                    on_startup (fun () -> task { events.Enqueue "start 1" })
                    on_startup (fun () -> Task.Run(fun () -> events.Enqueue "start 2"))
                    on_shutdown (fun () -> task { events.Enqueue "stop" })
                    command "add" add
                }
            withApp app ignore
            Expect.equal (List.ofSeq events) [ "start 1"; "start 2"; "stop" ] "order"
        }
    ]

[<Tests>]
let hosting =
    testSequenced <| testList "Tino.start" [
        test "Tino.startWith serves with its host options, Tino.start with the defaults" {
            let app = tino { command "add" add }
            let limited = (Tino.startWith (Hosting.TinoHostOptions(MaxConnections = 1)) "127.0.0.1" 0 app).Result
            try
                Expect.equal limited.Options.MaxConnections 1 "the options given"
                use first = connect limited
                Expect.equal (text (first.Call("PING"))) "PONG" "the first is served"
                use second = connect limited
                Expect.isTrue (second.IsClosedByServer()) "the second is closed at accept"
            finally
                limited.StopAsync().Wait()
            let plain = (Tino.start "127.0.0.1" 0 app).Result
            try Expect.equal plain.Options Hosting.TinoHostOptions.Default "the defaults"
            finally plain.StopAsync().Wait()
        }
    ]
