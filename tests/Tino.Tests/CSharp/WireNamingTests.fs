/// WireNaming: a naming policy for the object formatter's map keys.
module Tino.Tests.CSharp.WireNamingTests

open System.Runtime.Serialization
open Expecto
open MessagePack
open Tino.Serialization
open Tino.CSharp.TestKit
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

[<WireNaming(WireNaming.SnakeCase)>]
type SnakeNote =
    { Id: int
      CreatedAt: int
      [<DataMember(Name = "Body")>] Text: string }

[<WireNaming(WireNaming.CamelCase)>]
type CamelNote = { Id: int; CreatedAt: int }

[<WireNaming(WireNaming.SnakeCase)>]
type Base() =
    member val BaseValue = 0 with get, set

type Derived() =
    inherit Base()
    member val DerivedValue = 0 with get, set

/// An F# record as a new user writes one, PascalCase and all, with no attribute.
type StockItem =
    { Sku: string
      OnHand: int
      RestockedAt: System.DateTimeOffset option }

/// An F# union with a named and an unnamed field.
type Movement =
    | Received of UnitCount: int
    | Lost of int

let private json (bytes: byte[]) = MessagePackSerializer.ConvertToJson(bytes)

let private encode (value: 'T) = MessagePackSerializer.Serialize<'T>(value, TinoMessagePack.DefaultOptions)

let private decode<'T> (bytes: byte[]) = MessagePackSerializer.Deserialize<'T>(bytes, TinoMessagePack.DefaultOptions)

[<Tests>]
let tests =
    testList "WireNaming" [
        test "snake case renames members that no attribute renames" {
            let bytes = encode { SnakeNote.Id = 1; CreatedAt = 2; Text = "x" }
            Expect.equal (json bytes) """{"id":1,"created_at":2,"Body":"x"}""" "keys"
            Expect.equal (decode<SnakeNote> bytes) { Id = 1; CreatedAt = 2; Text = "x" } "round trip"
        }
        test "camel case lowers the first word" {
            Expect.equal (json (encode { CamelNote.Id = 1; CreatedAt = 2 })) """{"id":1,"createdAt":2}""" "keys"
        }
        test "a derived type inherits its base type's policy" {
            Expect.equal (json (encode (Derived(BaseValue = 1, DerivedValue = 2)))) """{"base_value":1,"derived_value":2}""" "keys"
        }
        test "C# positional records: the assembly's policy, a type's own policy, and members renamed one by one" {
            let roundTrip (value: 'T) (expected: string) =
                let bytes = Records.Encode value
                Expect.equal (json bytes) expected $"keys of {typeof<'T>.Name}"
                Expect.equal (Records.Decode<'T> bytes) value $"{typeof<'T>.Name} round trip"
            roundTrip (Person("Tina", 7)) """{"firstName":"Tina","age":7}"""
            roundTrip (SnakePerson("Tina")) """{"first_name":"Tina"}"""
            roundTrip (Renamed(1, "x")) """{"n":1,"t":"x"}"""
            roundTrip (Declared("Tina")) """{"FirstName":"Tina"}"""
        }
        test "without an attribute, F# records and unions and C# records are snake case on the wire" {
            Expect.equal (json (encode { Sku = "plum"; OnHand = 3; RestockedAt = None })) """{"sku":"plum","on_hand":3,"restocked_at":null}""" "F# record"
            let fsharp = Tino.FSharp.Serialization.FSharpMessagePack.options
            Expect.equal (json (MessagePackSerializer.Serialize(Received 2, fsharp))) """[0,{"unit_count":2}]""" "F# union field"
            Expect.equal (json (MessagePackSerializer.Serialize(Lost 2, fsharp))) """[1,{"item":2}]""" "F# union's unnamed field"
            let note = Tino.Samples.InteropServer.CSharp.Note(1, "buy milk", false)
            Expect.equal (json (encode note)) """{"id":1,"text":"buy milk","completed":false}""" "C# record"
        }
        test "both fronts serve the same record from the same snake-case JSON" {
            let echo (item: StockItem) = item
            let fsharpApp = Tino.FSharp.TinoBuilderInstance.tino { command "echo_item" echo }
            let csharpApp = Tino.TinoAppBuilder().Command("echo_note", System.Func<Tino.Samples.InteropServer.CSharp.Note, _>(id)).Build()
            let jsonCall (app: Tino.TinoApp) (command: string) (argument: string) =
                let reply = ref ""
                withApp app (fun server ->
                    use connection = new RespConnection(portOf server)
                    reply.Value <- text (connection.Call("TINO.JSON", ascii command, ascii argument)))
                reply.Value
            let item = """{"sku":"plum","on_hand":3,"restocked_at":null}"""
            Expect.equal (jsonCall fsharpApp "echo_item" item) item "the F# front reads and writes snake case"
            let note = """{"id":1,"text":"buy milk","completed":false}"""
            Expect.equal (jsonCall csharpApp "echo_note" note) note "the C# front too"
        }
        test "a missing renamed field is located by its wire name" {
            let bytes = MessagePackSerializer.Serialize(dict [ "id", 1 ])
            let error = Expect.throwsC (fun () -> decode<CamelNote> bytes |> ignore) id
            match error.InnerException with
            | :? TinoValidationException as e -> Expect.sequenceEqual e.Path [ box "createdAt" ] "the location names the wire key"
            | other -> failtestf "expected a validation error, got %O" other
        }
    ]
