/// The C# builder's services: handler parameters resolved per call from a DI scope, and MapService over interfaces.
module Tino.Tests.CSharp.ServiceTests

open System
open Expecto
open Microsoft.Extensions.DependencyInjection
open Tino
open Tino.CSharp.TestKit
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

let private nil = [| 0xc0uy |]

let private commandNames (app: TinoApp) = [ for c in app.Commands -> c.Name ]

/// The calls every calculator mapping answers the same way.
let private expectCalculator (c: RespConnection) =
    Expect.equal (value<int64> (c.Call("add", mp 2, mp 3))) 5L "add"
    Expect.equal (value<int64> (c.Call("multiply", mp 6, mp 7))) 42L "multiply (Async dropped)"
    Expect.equal (value<string> (c.Call("calc.renamed"))) "renamed" "CommandName"
    Expect.equal (value<string> (c.Call("http_status"))) "200" "acronym in snake_case"
    Expect.equal (value<float> (c.Call("square_root", mp 9.0))) 3.0 "a derived interface's method"
    Expect.equal (value<string | null> (c.Call("find", nil))) null "nullable parameter and result"
    Expect.equal (value<string> (c.Call("find", mp "known"))) "found" "find"
    expectErrorStarts "NUM_ARG_MISMATCH" (c.Call("add", mp 1))
    expectErrorStarts "PERMISSION_DENIED" (c.Call("who_am_i"))
    Expect.equal (text (c.Call("AUTH", ascii "tinaspassword"))) "OK" "AUTH"
    Expect.equal (value<string> (c.Call("who_am_i"))) "tina" "a magic parameter in a contract"

[<Tests>]
let mapService =
    testSequenced <| testList "C# builder MapService" [
        test "each method becomes a command, named in snake_case without Async or by CommandName, base interfaces first" {
            let app = ServiceApps.WithInstance(Tracker())
            Expect.equal
                (commandNames app)
                [ "add"; "multiply"; "calc.renamed"; "http_status"; "who_am_i"; "find"; "instance"; "square_root" ]
                "names"
            let add = app.Commands |> Seq.find (fun c -> c.Name = "add")
            Expect.equal add.Description "Adds two integers." "[Description] becomes the description"
            Expect.equal [ for p in add.Parameters -> p.Name ] [ "a"; "b" ] "the contract's parameter names"
            let whoami = app.Commands |> Seq.find (fun c -> c.Name = "who_am_i")
            Expect.isTrue whoami.RequiresAuth "AuthRequired in a contract method"
        }
        test "one instance serves every call" {
            let tracker = Tracker()
            withApp (ServiceApps.WithInstance tracker) (fun server ->
                use c = connect server
                expectCalculator c
                Expect.equal (value<int> (c.Call("instance"))) 1 "the instance"
                Expect.equal (value<int> (c.Call("instance"))) 1 "the same instance")
            Expect.equal tracker.Disposed 0 "an instance given is not disposed"
        }
        test "a factory makes an instance per call and disposes it after the call" {
            let tracker = Tracker()
            withApp (ServiceApps.WithFactory tracker) (fun server ->
                use c = connect server
                expectCalculator c
                let first = value<int> (c.Call("instance"))
                Expect.equal (value<int> (c.Call("instance"))) (first + 1) "a new instance per call"
                Expect.equal tracker.Disposed tracker.Created "every instance disposed once its call ended")
        }
        test "MapService<T>() resolves the implementation per call from a DI scope" {
            use services = ServiceApps.Container()
            withApp (ServiceApps.Create services) (fun server ->
                use c = connect server
                expectCalculator c
                let first = value<int> (c.Call("instance"))
                Expect.isGreaterThan (value<int> (c.Call("instance"))) first "a new scoped instance per call"
                let tracker = services.GetRequiredService<Tracker>()
                Expect.equal tracker.Disposed tracker.Created "scoped instances disposed with their scope")
        }
    ]

[<Tests>]
let diParameters =
    testSequenced <| testList "C# builder service parameters" [
        test "service parameters are not wire arguments" {
            use services = ServiceApps.Container()
            let app = ServiceApps.Create services
            let find name = app.Commands |> Seq.find (fun c -> c.Name = name)
            Expect.equal [ for p in (find "greet").Parameters -> p.Name ] [ "name" ] "[FromServices] removed from the wire"
            Expect.equal [ for p in (find "greet_inferred").Parameters -> p.Name ] [ "name" ] "a registered type is inferred a service"
            Expect.equal [ for p in (find "scoped_after").Parameters -> p.Name ] [ "ms"; "cancellation" ] "magic parameters stay, services go"
            Expect.isTrue (find "scoped_whoami").RequiresAuth "AuthRequired still requires auth"
        }
        test "services are resolved per call: attribute, inference, keyed, optional, one scope per call" {
            use services = ServiceApps.Container()
            withApp (ServiceApps.Create services) (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("greet", mp "tina"))) "hello tina" "[FromServices]"
                Expect.equal (value<string> (c.Call("greet_inferred", mp "tina"))) "hello tina" "inferred from the container"
                Expect.equal (value<string> (c.Call("greet_keyed", mp "tina"))) "good day tina" "[FromKeyedServices]"
                Expect.isTrue (value<bool> (c.Call("optional"))) "an unregistered nullable service is null"
                let first = value<int> (c.Call("same_scope"))
                Expect.isGreaterThan first 0 "two parameters of a scoped service share the call's instance"
                Expect.equal (value<int> (c.Call("same_scope"))) (first + 1) "the next call has its own scope"
                Expect.isGreaterThan (value<int> (c.Call("mixed_scope"))) first "a marked and an inferred service of one handler share the call's scope"
                Expect.isTrue (value<bool> (c.Call("scoped_after", mp 20))) "the scope lives until an async handler finishes"
                let counts = value<int[]> (c.Call("disposed"))
                Expect.equal counts[1] counts[0] "every scope disposed once its call ended"
                expectErrorStarts "PERMISSION_DENIED" (c.Call("scoped_whoami"))
                Expect.equal (text (c.Call("AUTH", ascii "tinaspassword"))) "OK" "AUTH"
                Expect.stringStarts (value<string> (c.Call("scoped_whoami"))) "tina " "auth and services together"
                Expect.stringStarts (errorText (c.Call("scoped_throws"))) "SCOPED" "a handler's error still replies"
                let tracker = services.GetRequiredService<Tracker>()
                Expect.equal tracker.Disposed tracker.Created "the scope of a call that threw is disposed too")
        }
    ]
