/// The C# fluent builder: every handler shape and magic parameter, parity with Tino.Core's record, build-time errors.
module Tino.Tests.CSharp.BuilderTests

open System
open System.IO
open System.Net
open System.Net.Sockets
open Expecto
open MessagePack
open Tino
open Tino.CSharp.TestKit
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// Sends every request, then QUIT, and returns every byte the server wrote before it closed.
let conversation (server: Hosting.TinoServer) (requests: byte[] list) : byte[] =
    use client = new TcpClient(NoDelay = true)
    client.Connect(IPAddress.Loopback, portOf server)
    use stream = client.GetStream()
    stream.ReadTimeout <- 15000
    for bytes in requests @ [ request "QUIT" [] ] do
        stream.Write(bytes, 0, bytes.Length)
    use all = new MemoryStream()
    stream.CopyTo all
    all.ToArray()

/// Asserts that two apps reply the same bytes, all of them, to the same requests sent on one connection each.
let expectSameReplies (left: TinoApp) (right: TinoApp) (requests: byte[] list) =
    let replies app =
        let mutable bytes = [||]
        withApp app (fun server -> bytes <- conversation server requests)
        bytes
    let fromLeft = replies left
    let fromRight = replies right
    Expect.isGreaterThan fromLeft.Length (10 * requests.Length) "the conversation has replies"
    let split (bytes: byte[]) =
        let replies = ResizeArray<byte[]>()
        let mutable reader = Buffers.SequenceReader<byte>(Buffers.ReadOnlySequence<byte>(bytes))
        let mutable reply = Unchecked.defaultof<Protocol.RespReply>
        let mutable error = Unchecked.defaultof<Protocol.RespError>
        let mutable start = 0
        while Protocol.RespReplyParser.TryRead(&reader, &reply, &error) = Protocol.RespStatus.Complete do
            replies.Add bytes[start .. int reader.Consumed - 1]
            start <- int reader.Consumed
        List.ofSeq replies
    let asText (reply: byte[]) = Text.Encoding.UTF8.GetString reply |> String.map (fun c -> if Char.IsControl c then '.' else c)
    List.zip3 [ 1 .. requests.Length + 1 ] (split fromLeft) (split fromRight)
    |> List.iter (fun (i, l, r) -> Expect.equal (asText l, l) (asText r, r) $"reply {i} of {requests.Length + 1}")
    Expect.equal fromLeft fromRight "identical reply bytes"

let private nil = [| 0xc0uy |]

/// Requests that exercise every handler of TestKit's Handlers, errors included.
let parityRequests =
    [ request "add" [ mp 1; mp 2 ]
      request "ADD" [ mp Int32.MaxValue; mp Int32.MaxValue ]
      request "void" [ mp 5 ]
      request "task" [ mp 6 ]
      request "task_of" [ mp 6; mp 7 ]
      request "value_task" [ mp 8 ]
      request "value_task_of" [ mp "four" ]
      request "static_method" [ mp [| "a"; "b" |] ]
      request "instance_method" [ mp "tina" ]
      request "nullable" [ nil; nil ]
      request "nullable" [ mp "s"; mp 3 ]
      request "magic_anywhere" [ mp 1; mp "x" ]
      request "maybe_whoami" []
      request "AUTH" [ ascii "tinaspassword" ]
      request "magic_anywhere" [ mp 7; mp "x" ]
      request "magic_anywhere" [ mp 8; mp "y" ]
      request "maybe_whoami" []
      request "counter" []
      request "sleep" [ mp 1 ]
      request "fail" [ mp "NOT_FOUND"; mp "gone" ]
      request "add" [ mp 1 ]
      request "add" [ mp "one"; mp 2 ]
      request "add" [ [| 0xc1uy |]; mp 2 ]
      request "nope" [] ]

[<Tests>]
let parity =
    testSequenced <| testList "C# builder parity with Tino.Core" [
        test "the builder makes command records equal to Tino.Core's from the same delegates" {
            let built = Handlers.BuilderApp()
            let core = Handlers.CoreApp()
            let describe (app: TinoApp) =
                [ for c in app.Commands -> c.Name, List.ofSeq c.Parameters, c.ResultType, c.Invoke, c.Description, c.RequiresAuth, c.WireArity ]
            Expect.equal (describe built) (describe core) "names, parameters, result types, delegates"
            Expect.equal (built.Auth |> isNull) false "an auth function"
            Expect.equal (built.State |> Option.ofObj |> Option.map _.StateType) (Some typeof<int>) "an int state"
        }
        test "both apps reply the same bytes to the same request bytes" {
            expectSameReplies (Handlers.BuilderApp()) (Handlers.CoreApp()) parityRequests
        }
    ]

[<Tests>]
let shapes =
    testSequenced <| testList "C# builder handler shapes" [
        test "every handler shape and magic parameter answers" {
            withApp (Handlers.BuilderApp()) (fun server ->
                use c = connect server
                Expect.equal (value<int64> (c.Call("add", mp Int32.MaxValue, mp 1))) (int64 Int32.MaxValue + 1L) "sync value, no overflow"
                Expect.equal (c.Call("void", mp 5).Bytes.ToArray()) nil "void replies nil"
                Expect.equal Handlers.Seen 5 "void ran"
                Expect.equal (c.Call("task", mp 6).Bytes.ToArray()) nil "Task replies nil"
                Expect.equal Handlers.Seen 6 "Task ran"
                Expect.equal (value<int> (c.Call("task_of", mp 6, mp 7))) 42 "Task<T>"
                Expect.equal (c.Call("value_task", mp 8).Bytes.ToArray()) nil "ValueTask replies nil"
                Expect.equal Handlers.Seen 8 "ValueTask ran"
                Expect.equal (value<int> (c.Call("value_task_of", mp "four"))) 4 "ValueTask<T>"
                Expect.equal (value<string> (c.Call("static_method", mp [| "a"; "b"; "c" |]))) "a+b+c" "static method group"
                Expect.equal (value<string> (c.Call("instance_method", mp "tina"))) "hello tina" "instance method group"
                Expect.equal (value<string> (c.Call("nullable", nil, nil))) "nil/nil" "nullable parameters accept nil"
                expectErrorStarts "PERMISSION_DENIED" (c.Call("magic_anywhere", mp 1, mp "x"))
                Expect.equal (value<string | null> (c.Call("maybe_whoami"))) null "Auth<T> is empty before AUTH"
                Expect.equal (text (c.Call("AUTH", ascii "tinaspassword"))) "OK" "AUTH"
                Expect.equal (value<string> (c.Call("magic_anywhere", mp 7, mp "x"))) "tina:1:7x:True:True" "magic parameters between wire ones"
                Expect.equal (value<string> (c.Call("magic_anywhere", mp 8, mp "y"))) "tina:2:8y:True:True" "state kept on the connection"
                Expect.equal (value<string> (c.Call("maybe_whoami"))) "tina" "Auth<T> after AUTH"
                Expect.equal (value<int> (c.Call("sleep", mp 5))) 5 "CancellationToken"
                Expect.equal (errorText (c.Call("fail", mp "NOT_FOUND", mp "gone"))) "NOT_FOUND \"gone\"" "typed error")
        }
        test "middleware runs outermost first around the handler; hooks run with the server" {
            let features = Features()
            withApp (features.Build()) (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("say", mp "hi"))) "hi" "say"
                Expect.stringContains (errorText (c.Call("crash"))) "exposed" "ConfigureOptions reached the app")
            Expect.sequenceEqual
                (features.Events |> Seq.take 6)
                [ "startup"; "outer say"; "inner before"; "handler hi"; "inner after"; "outer crash" ]
                "order of hooks and middleware"
            Expect.equal (Seq.last features.Events) "shutdown" "shut-down hook"
        }
        test "a description given to Command reaches the record" {
            let app = Features().Build()
            Expect.equal (app.Commands |> Seq.find (fun c -> c.Name = "say")).Description "Replies its argument." "description"
        }
    ]

[<Tests>]
let errors =
    testList "C# builder errors" [
        for mistake, command, build in BuildErrors.All do
            test $"refuses {mistake}, naming it" {
                let error = Expect.throwsC (fun () -> build.Invoke() |> ignore) id
                Expect.isTrue (error :? TinoBuildException) $"a TinoBuildException, got {error}"
                Expect.stringContains error.Message command "the message names the command"
            }
        for change in [ "command"; "auth"; "state"; "middleware"; "options"; "service"; "hook" ] do
            test $"refuses a {change} after Build" {
                let error = Expect.throwsC (fun () -> BuildErrors.ChangeAfterBuild change) id
                Expect.isTrue (error :? InvalidOperationException) "InvalidOperationException"
                Expect.stringContains error.Message "already built" "says why"
            }
        test "building twice returns the same app" { Expect.isTrue (BuildErrors.BuildTwiceIsSame()) "same app" }
    ]

[<Tests>]
let hooks =
    testSequenced <| testList "C# builder hooks" [
        test "OnStartup and OnShutdown take a Func<CancellationToken, Task>, a Func<Task> or an Action, run in order" {
            let ran = Hooks.RunEveryShapeAsync().GetAwaiter().GetResult()
            Expect.equal (List.ofSeq ran) [
                "start with a token"; "start as a task"; "start as an action"
                "stop with a token"; "stop as a task"; "stop as an action" ] "every hook, in order"
        }
    ]

[<Tests>]
let parameterMistakes =
    testList "C# builder parameters no caller can send" [
        for mistake, command, parameter, advice, service, build in ParameterMistakes.All do
            test $"refuses {mistake}, naming the command and parameter and saying what to do" {
                let error = Expect.throwsC (fun () -> build.Invoke() |> ignore) id
                Expect.isTrue (error :? TinoBuildException) $"a TinoBuildException, got {error}"
                Expect.stringStarts error.Message $"Command '{command}': parameter '{parameter}' of type " "names the command and parameter"
                Expect.stringContains error.Message advice "says what to do instead"
                if service then
                    Expect.stringContains error.Message "It looks like a service, and it is not registered as one" "says what it is"
                    for registration in [ "builder.Services.AddSingleton<"; "[FromServices]"; "UseServices(provider)" ] do
                        Expect.stringContains error.Message registration "shows how to register a service"
            }
        test "records, data classes, collection interfaces and registered services still build" {
            let app = ParameterMistakes.DataParameters()
            let wire = [ for c in app.Commands -> c.Name, c.WireArity ] |> Map.ofList
            Expect.equal wire (Map [ "find", 1; "first", 1; "total", 2; "any", 2; "greet", 1 ]) "every data parameter on the wire, the service not"
        }
    ]
