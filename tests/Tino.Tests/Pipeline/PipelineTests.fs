module Tino.Tests.Pipeline.PipelineTests

open System
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Pipeline
open Tino.Protocol
open Tino.Tests.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

let buildError (app: TinoApp) =
    Expect.throwsT<TinoBuildException> (fun () -> app.Validate()) "the app is refused when it is built"
    try app.Validate(); "" with :? TinoBuildException as e -> e.Message

let one = Func<int, int>(fun n -> n)

[<Tests>]
let building =
    testList "TinoApp.Validate" [
        test "a duplicate name is refused, ignoring case, naming the command" {
            let message = buildError (TinoApp.Empty.WithCommand("echo_n", one).WithCommand("ECHO_N", one))
            Expect.stringContains message "ECHO_N" "names it"
            Expect.stringContains message "twice" "says why"
        }
        test "every built-in the server answers is a reserved name" {
            let builtins =
                [ for b in Tino.Hosting.Commands.Builtins.All -> b.Name ]
            Expect.hasLength builtins 22 "15 built-ins and 7 for streams and events"
            for name in builtins do
                Expect.isTrue (ReservedNames.All.Contains name) $"{name} is reserved, so no app can shadow it"
            Expect.equal ReservedNames.All.Count builtins.Length "every reserved name is a built-in"
        }
        test "a reserved name is refused" {
            for name in [ "ping"; "Auth"; "TINO.JSON"; "iter"; "subscribe" ] do
                Expect.stringContains (buildError (TinoApp.Empty.WithCommand(name, one))) "reserved" name
        }
        test "a name with spaces or control characters is refused" {
            Expect.stringContains (buildError (TinoApp.Empty.WithCommand("two words", one))) "'two words'" "names it"
        }
        test "AuthRequired without an auth function is refused" {
            let message = buildError (TinoApp.Empty.WithCommand("me", Func<AuthRequired<string>, string>(fun a -> a.Value)))
            Expect.stringContains message "'me'" "names the command"
            Expect.stringContains message "auth function" "says what is missing"
        }
        test "AuthRequired of another type than the auth function's is refused" {
            let app =
                TinoApp.Empty
                    .WithAuth(AuthHandler.Create<string>(fun (p: string) -> p))
                    .WithCommand("me", Func<AuthRequired<int>, int>(fun a -> a.Value))
            Expect.stringContains (buildError app) "String" "names the auth type"
        }
        test "ConnState without a state factory, or of another type, is refused" {
            let handler = Func<ConnState<string>, string>(fun s -> s.Value)
            Expect.stringContains (buildError (TinoApp.Empty.WithCommand("s", handler))) "state factory" "missing"
            let typed = TinoApp.Empty.WithState(ConnectionStateFactory.Create(fun () -> 0)).WithCommand("s", handler)
            Expect.stringContains (buildError typed) "ConnState<String>" "mismatch"
        }
        test "a description that does not match its delegate is refused" {
            let handler = CommandHandler("x", [ CommandParameter("a", typeof<string>) ] |> Collections.Immutable.ImmutableArray.CreateRange, typeof<int>, one)
            Expect.stringContains (buildError (TinoApp.Empty.WithCommand handler)) "do not match" "mismatch"
        }
        test "a wire parameter that no caller could send is refused, saying what to use instead" {
            let callback = buildError (TinoApp.Empty.WithCommand("apply", Func<Func<int, int>, int, int>(fun f n -> f.Invoke n)))
            Expect.stringContains callback "Command 'apply': parameter 'f' of type Func<Int32, Int32> is a function" "a function"
            let stream = buildError (TinoApp.Empty.WithCommand("upload", Func<IO.Stream, int64>(fun s -> s.Length)))
            Expect.stringContains stream "ReadOnlyMemory<byte>" "bytes instead"
            let service = buildError (TinoApp.Empty.WithCommand("when", Func<TimeProvider, DateTimeOffset>(fun clock -> clock.GetUtcNow())))
            Expect.stringContains service "it is an abstract class with no wire shape" "an abstract class"
            Expect.stringContains service "AddSingleton<TimeProvider, MyTimeProvider>()" "how to register it"
        }
        test "a well-formed app is accepted" {
            (TestApp.create ()).Validate()
        }
    ]

[<Tests>]
let middleware =
    testSequenced <| testList "TinoApp middleware" [
        test "middleware wraps every command in the order it was added, after arguments are decoded" {
            let events = Collections.Concurrent.ConcurrentQueue<string>()
            let trace (name: string) =
                CommandMiddleware(fun next ->
                    CommandDelegate(fun context ->
                        events.Enqueue $"{name} before {context.Command.Name}"
                        let pending = next.Invoke context
                        events.Enqueue $"{name} after"
                        pending))
            let app =
                TinoApp.Empty
                    .WithMiddleware(trace "outer")
                    .WithMiddleware(trace "inner")
                    .WithCommand("double", Func<int, int>(fun n -> events.Enqueue "handler"; n * 2))
            withApp app (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("double", mp 21))) 42 "result"
                Expect.equal (List.ofSeq events) [ "outer before double"; "inner before double"; "handler"; "inner after"; "outer after" ] "order"
                events.Clear()
                c.Call("double", mp "x") |> ignore
                Expect.isEmpty events "a call whose arguments do not decode never reaches middleware")
        }
        test "middleware can refuse a call with a typed error" {
            let refuse = CommandMiddleware(fun _ -> CommandDelegate(fun _ -> raise (TinoException("RATE_LIMITED", "slow down"))))
            withApp (TinoApp.Empty.WithMiddleware(refuse).WithCommand("n", one)) (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("n", mp 1))) "RATE_LIMITED \"slow down\"" "refused")
        }
        test "middleware can answer in place of the handler" {
            let cached =
                CommandMiddleware(fun _ ->
                    CommandDelegate(fun context ->
                        RespWriter.WriteBulkString(context.Output, ReadOnlySpan(mp 99))
                        ValueTask.CompletedTask))
            withApp (TinoApp.Empty.WithMiddleware(cached).WithCommand("n", one)) (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("n", mp 1))) 99 "answered by middleware")
        }
    ]
