/// Command descriptions, from `describe`, `[<Description>]` and `///` docs, as TINO.SCHEMA, COMMAND DOCS and
/// `tino describe` show them.
module Tino.Tests.Pipeline.DescriptionTests

open System.ComponentModel
open System.Text
open System.Threading.Tasks
open Expecto
open MessagePack
open Tino
open Tino.FSharp
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// A contract whose fields are described two ways, and one not at all.
type Documented =
    { /// Adds two numbers.
      add: int -> int -> Task<int64>
      [<Description("Halves a number.")>]
      half: float -> Async<float>
      plain: unit -> Task<int> }

let private documented =
    { add = fun a b -> Task.FromResult(int64 a + int64 b)
      half = fun x -> async { return x / 2.0 }
      plain = fun () -> Task.FromResult 1 }

/// A contract with one idempotent field.
type Stock =
    { [<Idempotent>]
      level: string -> Task<int>
      take: string -> int -> Task<int> }

let private idempotentOf (app: TinoApp) (name: string) =
    app.Commands |> Seq.find (fun c -> c.Name = name) |> _.IsIdempotent

let private descriptionOf (app: TinoApp) (name: string) =
    app.Commands |> Seq.find (fun c -> c.Name = name) |> _.Description

[<Tests>]
let tests =
    testList "command descriptions" [
        test "describe gives a command declared before or after it its description" {
            let app = tino {
                describe "sub" "Subtracts b from a."
                command "add" (fun (a: int) (b: int) -> a + b)
                command "sub" (fun (a: int) (b: int) -> a - b)
                describe "add" "Adds two numbers."
            }
            Expect.equal (descriptionOf app "add") "Adds two numbers." "after"
            Expect.equal (descriptionOf app "sub") "Subtracts b from a." "before"
        }
        test "describe of a command that is not declared is refused, naming it" {
            let error = Expect.throwsC (fun () -> tino { command "add" (fun (a: int) -> a); describe "ad" "typo" } |> ignore) id
            Expect.stringContains error.Message "ad" "names the command"
            Expect.stringContains error.Message "not declared" "says why"
        }
        test "a contract's fields are described by their /// docs or [<Description>], served either way" {
            for app in [ tino { implement documented }; tino { implement_with (fun (_: CallContext) -> documented) } ] do
                Expect.equal (descriptionOf app "add") "Adds two numbers." "/// docs"
                Expect.equal (descriptionOf app "half") "Halves a number." "[<Description>]"
                Expect.isNull (descriptionOf app "plain") "none"
        }
        test "a C# interface method's XML summary describes its MapService command" {
            let app = Tino.Samples.InteropServer.CSharp.InteropApp.Create()
            Expect.equal (descriptionOf app "create_note") "Stores a note under the next id (1, 2, 3 ... per store)." "from the sample's XML docs"
        }
        test "the description reaches COMMAND DOCS and TINO.SCHEMA" {
            let app = tino {
                command "add" (fun (a: int) (b: int) -> a + b)
                describe "add" "Adds two numbers."
            }
            withApp app (fun server ->
                use connection = new RespConnection(portOf server)
                let docs = connection.Call("COMMAND", ascii "DOCS", ascii "add")
                let summary = docs.Items[1].Items[1]
                Expect.equal (text summary) "Adds two numbers. ADD(a: int32, b: int32) -> int32" "COMMAND DOCS summary"
                let schema = MessagePackSerializer.ConvertToJson((connection.Call "TINO.SCHEMA").Bytes)
                Expect.stringContains schema "\"Adds two numbers.\"" "TINO.SCHEMA")
        }
        test "idempotent marks a command; a contract field or a C# lambda says it with [Idempotent]; TINO.SCHEMA and COMMAND INFO show it" {
            let app = tino {
                command "add" (fun (a: int) (b: int) -> a + b)
                command "bump" (fun (a: int) -> a + 1)
                idempotent "ADD"
            }
            Expect.isTrue (idempotentOf app "add") "idempotent, by name ignoring case"
            Expect.isFalse (idempotentOf app "bump") "not marked"
            let served = tino { implement { level = (fun _ -> Task.FromResult 1); take = (fun _ n -> Task.FromResult n) } }
            Expect.isTrue (idempotentOf served "level") "[<Idempotent>] on a contract field"
            Expect.isFalse (idempotentOf served "take") "a field without it"
            let lambda = TinoApp.Empty.WithCommand("get", Tino.CSharp.TestKit.Handlers.IdempotentGet)
            Expect.isTrue (idempotentOf lambda "get") "[Idempotent] on a C# lambda"
            withApp app (fun server ->
                use connection = new RespConnection(portOf server)
                let schema = MessagePackSerializer.ConvertToJson((connection.Call "TINO.SCHEMA").Bytes)
                Expect.stringContains schema "\"name\":\"ADD\"" "add is in the schema"
                Expect.stringContains schema "\"stream\":false,\"idempotent\":true}" "TINO.SCHEMA: add is idempotent"
                Expect.stringContains schema "\"stream\":false,\"idempotent\":false}" "TINO.SCHEMA: bump is not"
                let flags (name: string) =
                    let info = connection.Call("COMMAND", ascii "INFO", ascii name)
                    [ for flag in info.Items[0].Items[2].Items -> text flag ]
                Expect.equal (flags "add") [ "no_auth"; "idempotent" ] "COMMAND INFO flags of add"
                Expect.equal (flags "bump") [ "no_auth" ] "and of bump")
        }
        test "idempotent of a command that is not declared is refused, naming it" {
            let error = Expect.throwsC (fun () -> tino { command "add" (fun (a: int) -> a); idempotent "ad" } |> ignore) id
            Expect.stringContains error.Message "ad" "names it"
        }
    ]
