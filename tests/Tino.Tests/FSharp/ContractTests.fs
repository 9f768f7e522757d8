/// A contract shared by an F# server and its clients, as a new user writes one: `Result` for operations that can fail,
/// no server-only parameters (the implementation reads them from its CallContext), typed errors back through both
/// proxies (an F# record of functions, a .NET interface).
module Tino.Tests.FSharp.ContractTests

open System
open System.Collections.Concurrent
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Client
open Tino.FSharp
open Tino.Tests.Client.Hosts
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

type StockError =
    | InsufficientStock of available: int
    | UnknownSku of sku: string

/// Only what travels on the wire: no AuthRequired, no ConnState, no token.
type Inventory =
    { adjust: string -> int -> Task<Result<int, StockError>>
      level: string -> Async<Result<int, StockError>>
      label: string -> Task<Result<string, string>>
      whoami: unit -> Task<string>
      calls: unit -> Task<int> }

/// The same contract as a .NET interface, for the C# front's proxy.
type IInventory =
    abstract adjust: sku: string * delta: int -> Task<Result<int, StockError>>

let private inventory (stock: ConcurrentDictionary<string, int>) (call: CallContext) =
    let level sku =
        match stock.TryGetValue sku with
        | true, count -> Ok count
        | _ -> Error(UnknownSku sku)
    { adjust =
        fun sku delta ->
            task {
                return
                    level sku
                    |> Result.bind (fun count ->
                        if count + delta < 0 then Error(InsufficientStock count)
                        else
                            stock[sku] <- count + delta
                            Ok(count + delta))
            }
      level = fun sku -> async { return level sku }
      label = fun sku -> Task.FromResult(if sku = "" then Error "the sku is empty" else Ok $"[{sku}]")
      whoami = fun () -> Task.FromResult(call.RequireAuth<string>())
      calls =
        fun () ->
            let calls = call.State<int>()
            calls.Value <- calls.Value + 1
            Task.FromResult calls.Value }

let private inventoryApp () =
    let stock = ConcurrentDictionary(dict [ "plum", 5; "pear", 0 ])
    tino {
        auth (fun password -> if password = "tinaspassword" then Some "tina" else None)
        state (fun () -> 0)
        implement_with (inventory stock)
    }

let private run (pending: Task<'T>) = pending.GetAwaiter().GetResult()

[<Tests>]
let tests =
    testList "F# contracts" [
        testList "Result through the record proxy" [
            test "Ok comes back as Ok of the declared type" {
                withHost (inventoryApp ()) tina (fun host ->
                    let api = Client.proxy<Inventory> host.Client
                    Expect.equal (run (api.adjust "plum" -2)) (Ok 3) "adjusted")
            }
            test "Error comes back as the typed Error, fields and all" {
                withHost (inventoryApp ()) tina (fun host ->
                    let api = Client.proxy<Inventory> host.Client
                    Expect.equal (run (api.adjust "plum" -9)) (Error(InsufficientStock 5)) "a union case with a field"
                    Expect.equal (run (api.adjust "kiwi" 1)) (Error(UnknownSku "kiwi")) "another case"
                    Expect.equal (api.level "kiwi" |> Async.RunSynchronously) (Error(UnknownSku "kiwi")) "through Async")
            }
            test "a string Error comes back as itself" {
                withHost (inventoryApp ()) tina (fun host ->
                    let api = Client.proxy<Inventory> host.Client
                    Expect.equal (run (api.label "")) (Error "the sku is empty") "Error of string"
                    Expect.equal (run (api.label "plum")) (Ok "[plum]") "Ok of string")
            }
            test "the untyped call reads a Result too" {
                withHost (inventoryApp ()) tina (fun host ->
                    let result = run (Client.call<Result<int, StockError>> host.Client "adjust" [ arg "pear"; arg -1 ])
                    Expect.equal result (Error(InsufficientStock 0)) "Client.call")
            }
            test "an error that is not the handler's Error still throws" {
                withHost (inventoryApp ()) tina (fun host ->
                    let api = Client.proxy<Inventory> host.Client
                    let wrong = Client.call<Result<int, StockError>> host.Client "adjust" [ arg "plum" ]
                    Expect.throwsT<TinoArgumentException> (fun () -> run wrong |> ignore) "NUM_ARG_MISMATCH is no Error"
                    Expect.equal (run (api.adjust "plum" 1)) (Ok 6) "the connection goes on")
            }
        ]
        testList "Result through the interface proxy" [
            test "Ok and the typed Error through client.CreateProxy" {
                withHost (inventoryApp ()) tina (fun host ->
                    let api = host.Client.CreateProxy<IInventory>()
                    Expect.equal (run (api.adjust ("plum", 1))) (Ok 6) "Ok"
                    Expect.equal (run (api.adjust ("plum", -60))) (Error(InsufficientStock 6)) "Error")
            }
        ]
        testList "the wire" [
            test "an Error replies its code, its message and its value" {
                withApp (inventoryApp ()) (fun server ->
                    use connection = new RespConnection(portOf server)
                    let reply = connection.Call("adjust", mp "plum", mp -9)
                    Expect.equal (errorText reply) "INSUFFICIENT_STOCK \"InsufficientStock 5\" \"kgCBqWF2YWlsYWJsZQU=\"" "code, message, base64 of [0, {available: 5}]"
                    let value = Convert.FromBase64String "kgCBqWF2YWlsYWJsZQU="
                    Expect.equal (MessagePack.MessagePackSerializer.ConvertToJson(ReadOnlyMemory value)) "[0,{\"available\":5}]" "the union's MessagePack")
            }
        ]
        testList "typed errors from Tino.Core" [
            test "TinoException<T> replies its value, and the client decodes it" {
                let app =
                    TinoApp.Empty.WithCommand(
                        "reserve",
                        Func<string, int>(fun sku -> raise (TinoException<struct (string * int)>("OUT_OF_STOCK", $"no {sku} left", struct (sku, 3)))))
                withHost app TinoClientOptions.Default (fun host ->
                    let error =
                        Expect.throwsC (fun () -> run (Client.call<int> host.Client "reserve" [ arg "plum" ]) |> ignore) id
                    match error with
                    | :? TinoRemoteException as error ->
                        Expect.equal error.Code "OUT_OF_STOCK" "code"
                        Expect.equal error.Message "no plum left" "message"
                        Expect.equal (error.DecodeErrorValue<struct (string * int)>()) (struct ("plum", 3)) "value"
                    | other -> failtestf "expected a TinoRemoteException, got %O" other)
            }
            test "a long message is cut to 128 bytes of text on a character, then quoted whole" {
                let message = String.replicate 60 "he said \"stop\" \\ é "
                let app = TinoApp.Empty.WithCommand("refuse", Func<int>(fun () -> raise (TinoException("REFUSED", message))))
                withApp app (fun server ->
                    use connection = new RespConnection(portOf server)
                    let line = errorText (connection.Call "refuse")
                    let detail = line.Substring("REFUSED ".Length)
                    let text = Text.Json.JsonSerializer.Deserialize<string> detail
                    let text = nonNull text
                    Expect.stringStarts message text "the start of the message, whole characters"
                    Expect.isLessThanOrEqual (Text.Encoding.UTF8.GetByteCount text) 128 "at most 128 bytes of text"
                    Expect.isGreaterThan (Text.Encoding.UTF8.GetByteCount text) 125 "as much as fits: 'é' is two bytes")
            }
        ]
        testList "implement_with" [
            test "the contract has no server-only parameters, and the context gives auth and state" {
                withHost (inventoryApp ()) tina (fun host ->
                    let api = Client.proxy<Inventory> host.Client
                    Expect.equal (run (api.whoami ())) "tina" "auth from the context"
                    Expect.equal [ run (api.calls ()); run (api.calls ()); run (api.calls ()) ] [ 1; 2; 3 ] "state from the context")
            }
            test "RequireAuth refuses a connection that has not authenticated" {
                withHost (inventoryApp ()) TinoClientOptions.Default (fun host ->
                    let api = Client.proxy<Inventory> host.Client
                    Expect.throwsT<TinoPermissionException> (fun () -> run (api.whoami ()) |> ignore) "PERMISSION_DENIED")
            }
            test "error locations name the implementation's parameters" {
                withHost (inventoryApp ()) tina (fun host ->
                    let error =
                        Expect.throwsC
                            (fun () -> run (Client.call<int> host.Client "adjust" [ arg "plum"; arg "many" ]) |> ignore)
                            id
                    match error with
                    | :? TinoArgumentException as error ->
                        Expect.equal (List.ofSeq (Seq.map string error.Location)) [ "command"; "delta" ] "named delta"
                    | other -> failtestf "expected a TinoArgumentException, got %O" other)
            }
        ]
    ]
