/// Tino.Testing: handlers over the wire against plain F# functions, as FsCheck properties. The lines between the two
/// README markers are the README's FsCheck example, word for word; the last test checks that they still are.
module Tino.Tests.Testing.OverTheWireTests

// README example: begin
open System
open System.Collections.Concurrent
open Expecto
open Tino
open Tino.FSharp

type Shape =
    | Circle of radius: float
    | Rect of width: float * height: float

let area (shape: Shape) =
    match shape with
    | Circle radius -> Math.PI * radius * radius
    | Rect(width, height) -> width * height

let count (calls: ConnState<int>) =
    calls.Value <- calls.Value + 1
    calls.Value

let app = tino {
    state (fun () -> 0)
    command "add" (fun (a: int) (b: int) -> int64 a + int64 b)
    command "area" area
    command "count" count
}

/// A store of 10 of everything, less what was taken: state a handler keeps.
let stock () =
    let levels = ConcurrentDictionary<string, int>()
    fun (sku: string) (taken: int) -> levels.AddOrUpdate(sku, 10 - abs taken, fun _ left -> left - abs taken)

[<Tests>]
let overTheWire =
    testList "over the wire" [
        testProperty "add is addition" (Testing.overTheWire app "add" (fun (a: int) (b: int) -> int64 a + int64 b))
        testProperty "area is area, F# unions and all" (Testing.overTheWire app "area" area)
        testProperty "count counts per connection: a model takes magic parameters" (Testing.overTheWire app "count" count)
        testProperty "take takes from the stock: each case a fresh app and model" (
            Testing.overTheWireFresh (fun () -> tino { command "take" (stock ()) }, stock ()) "take")
    ]
// README example: end

open System.IO
open System.Threading.Tasks
open FsCheck
open Tino.Tests.Generators

type DivideError = | DivideByZero

let divide (a: int) (b: int) : Result<int, DivideError> = if b = 0 then Error DivideByZero else Ok(a / b)

let private shapes =
    tino {
        command "divide" divide
        command "half" (fun (x: float) -> async { return x / 2.0 })
        command "concat" (fun (parts: string list) (separator: string) -> Task.FromResult(String.Join(separator, parts)))
        command "fail" (fun (code: string) -> raise (TinoException("BAD", code)): unit)
    }

/// A counter per connection, and a store the app closes over: state a property must not share.
let counter (calls: ConnState<int>) (step: int) =
    calls.Value <- calls.Value + step
    calls.Value

let whoami (auth: AuthRequired<string>) (greeting: string) = $"{greeting} {auth.Value}"

/// An app and its model made together, each with a stock of its own: 10 plums, less what was taken.
let stockPair () =
    let take (stock: int ref) (count: int) =
        stock.Value <- stock.Value - abs count
        stock.Value
    let served = ref 10
    tino {
        auth (fun password -> if password = "secret" then Some "tina" else None)
        state (fun () -> 0)
        command "take" (fun (count: int) -> lock served (fun () -> take served count))
        command "counter" counter
        command "whoami" whoami
    },
    take (ref 10)

/// Runs `property` as Expecto would, throwing when it fails.
let private check (property: Property) = Check.One(Config.QuickThrowOnFailure.WithMaxTest(50), property)

[<Tests>]
let models =
    testList "Testing.overTheWire" [
        testProp "a Result's Error meets the error reply of its code, and any other exception UNEXPECTED_ERROR" (Testing.overTheWire shapes "divide" divide)
        testProp "a model may answer with an Async or a Task" (Testing.overTheWire shapes "half" (fun (x: float) -> async { return x / 2.0 }))
        testProp "lists and strings" (Testing.overTheWire shapes "concat" (fun (parts: string list) (separator: string) -> Task.FromResult(String.Join(separator, parts))))
        testProp "a TinoException locally meets the same code over the wire" (Testing.overTheWire shapes "fail" (fun (code: string) -> raise (TinoException("BAD", code)): unit))
        test "a model that disagrees fails the property, showing both answers" {
            let wrong = Testing.overTheWire app "add" (fun (a: int) (b: int) -> int64 a - int64 b)
            let error = Expect.throwsC (fun () -> check wrong) id
            Expect.stringContains error.Message "add over the wire:" "the label names the command"
            Expect.stringContains error.Message "locally:" "and the local answer"
        }
        test "a model that errs where the handler answers fails the property" {
            let wrong = Testing.overTheWire shapes "divide" (fun (_: int) (_: int) -> raise (TinoException("NOPE", "no")): int)
            Expect.throws (fun () -> check wrong) "the codes differ"
        }
        testProp "a model may take the connection's state: fresh each case, as a new connection's is" (
            Testing.overTheWire (fst (stockPair ())) "counter" counter)
        testProp "a model may take AuthRequired: the client authenticates with the settings' password" (
            Testing.overTheWireUsing { Testing.WireSettings.Defaults with Password = Some "secret" } (fst (stockPair ())) "whoami" whoami)
        testProp "without a password, AuthRequired is refused over the wire and locally alike" (
            Testing.overTheWire (fst (stockPair ())) "whoami" whoami)
        test "properties of a stateful app run in parallel each on fresh apps, and agree" {
            let property () = Testing.overTheWireFresh stockPair "take"
            [ for _ in 1 .. 4 -> Task.Run(fun () -> check (property ())) ] |> Array.ofList |> Task.WaitAll
        }
        test "the same properties on one shared stateful app disagree: why overTheWireFresh exists" {
            let app, _ = stockPair ()
            check (Testing.overTheWire app "take" (snd (stockPair ())))
            Expect.throws (fun () -> check (Testing.overTheWire app "take" (snd (stockPair ())))) "the first property's plums are gone"
        }
        test "a model that takes a CallContext is refused, saying why" {
            let error = Expect.throwsC (fun () -> Testing.overTheWire app "add" (fun (_: CallContext) (a: int) -> a) |> ignore) id
            Expect.stringContains error.Message "only a server can make" "the reason"
        }
        test "a model that is not a function is refused" {
            Expect.throwsT<ArgumentException> (fun () -> Testing.overTheWire app "add" 3 |> ignore) "a number"
        }
        test "the README's FsCheck example is this file's" {
            let source = File.ReadAllText(Path.Combine(__SOURCE_DIRECTORY__, "OverTheWireTests.fs"))
            let readme = File.ReadAllText(Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "..", "README.md"))
            let between (first: string) (last: string) (text: string) =
                let start = text.IndexOf first + first.Length
                text.Substring(start, text.IndexOf(last, start) - start).Trim()
            let example = source |> between "// README example: begin" "// README example: end"
            let shown = readme |> between "<!-- The FsCheck example: tests/Tino.Tests/Testing/OverTheWireTests.fs -->\n```fsharp" "```"
            Expect.equal shown example "the README shows the test as it is"
        }
    ]
