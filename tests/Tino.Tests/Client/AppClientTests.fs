/// The seed's app.client(): a client made from an app's own commands, and the test host's client speaking the app's serializer.
module Tino.Tests.Client.AppClientTests

open System
open Expecto
open Tino
open Tino.Client
open Tino.Hosting
open Tino.Tests.Hosting
open Tino.Tests.Client.ClientTests
open Tino.Tests.Client.Hosts

/// An app that knows only add; the server it calls (the test app) has more.
let private addOnly = TinoApp.Empty.WithCommand("add", Func<int, int, int64>(fun a b -> int64 a + int64 b))

[<Tests>]
let appClient =
    testSequenced <| testList "app.ConnectClientAsync" [
        test "calls the app's commands on a server of it" {
            withHost (TestApp.create ()) TinoClientOptions.Default (fun host ->
                let client = addOnly.ConnectClientAsync($"redis://127.0.0.1:{host.EndPoint.Port}").Result
                try Expect.equal (await (call<int64> client "ADD" [ arg 1; arg 2 ])) 3L "names match case-insensitively"
                finally client.DisposeAsync().AsTask().Wait())
        }
        test "refuses, before sending, a name the app lacks or a call with the wrong number of arguments" {
            withHost (TestApp.create ()) TinoClientOptions.Default (fun host ->
                let client = addOnly.ConnectClientAsync(host.EndPoint).Result
                try
                    // The server has counter; the app the client was made from does not.
                    let missing = Throws.Of<TinoCommandNotFoundException>(call<int> client "counter" [])
                    Expect.stringContains missing.Message "checked by the client" "refused by the client"
                    let count = Throws.Of<TinoArgumentException>(call<int64> client "add" [ arg 1 ])
                    Expect.equal (count.Code, count.Detail) ("NUM_ARG_MISMATCH", "expected 2 got 1") "the server's code and detail"
                    let raw = Throws.Of<TinoArgumentException>(client.CallRawAsync("add", [| ReadOnlyMemory [| 1uy |] |]).AsTask())
                    Expect.equal raw.Code "NUM_ARG_MISMATCH" "raw calls are checked too"
                    Expect.equal (await (call<int64> client "add" [ arg 2; arg 2 ])) 4L "the connection was never touched"
                finally
                    client.DisposeAsync().AsTask().Wait())
        }
        test "the test host's client encodes with the app's serializer" {
            let app = Tino.FSharp.TinoBuilderInstance.tino { command "some" (fun (value: int option) -> value) }
            withHost app TinoClientOptions.Default (fun host ->
                Expect.equal (await (call<int option> host.Client "some" [ TinoArg.From(Some 4) ])) (Some 4) "F# options both ways")
        }
    ]
