module Tino.Tests.Serialization.JsonTests

open System
open System.Buffers
open System.Collections.Generic
open Expecto
open FsCheck
open FsCheck.FSharp
open MessagePack
open Tino.Serialization
open Tino.Tests.Generators

type Shape =
    | Circle of radius: float
    | Rect of width: float * height: float

type Light =
    | Red
    | Green

type Wrapped = Wrapped of value: int

type Tree = { Value: int; Children: Tree list }

type Upload = { Name: string; Data: byte[]; Tags: Map<int, string>; At: DateTime option }

type Level =
    | Low = 1
    | High = 5

type SquareCase() =
    member val Side = 0.0 with get, set

/// A MessagePack-CSharp union, as C# declares one: `[tag, value]` with the case type's own map.
[<Union(0, typeof<SquareCase>)>]
[<AbstractClass>]
type Polygon() = class end

let hex (bytes: byte[]) = Convert.ToHexString bytes

let fromJson (t: Type) (json: string) = hex (JsonMessagePack.FromJson(json, t))

let fromHex (text: string) = JsonMessagePack.ToJson(ReadOnlyMemory(Convert.FromHexString text))

/// JSON-native values (nil, bools, integers, finite doubles, strings, arrays, string-keyed maps) boxed for MessagePack's object formatter.
let private text = Gen.arrayOf (ArbMap.defaults |> ArbMap.generate<char>) |> Gen.map String

let rec private jsonNativeValue size : Gen<objnull> =
    let scalar : Gen<objnull> =
        Gen.oneof [
            Gen.constant null
            ArbMap.defaults |> ArbMap.generate<bool> |> Gen.map (fun b -> box b : objnull)
            ArbMap.defaults |> ArbMap.generate<int64> |> Gen.map (fun i -> box i : objnull)
            ArbMap.defaults |> ArbMap.generate<NormalFloat> |> Gen.map (fun f -> box (float f) : objnull)
            text |> Gen.map (fun s -> box s : objnull)
        ]
    if size <= 0 then scalar
    else
        let child = jsonNativeValue (size / 3)
        Gen.oneof [
            scalar
            Gen.listOf child |> Gen.map (fun items -> box (Array.ofList items) : objnull)
            Gen.listOf (Gen.zip text child)
            |> Gen.map (fun (pairs: (string * objnull) list) ->
                let map = Dictionary<string, objnull>()
                for key, value in pairs do map[key] <- value
                box map : objnull)
        ]

[<Tests>]
let tests =
    testList "JSON and MessagePack" [
        testList "MessagePack to JSON" [
            test "scalars are written as JSON's own" {
                let cases =
                    [ "C0", "null"; "C3", "true"; "C2", "false"; "01", "1"; "FF", "-1"; "CFFFFFFFFFFFFFFFFF", "18446744073709551615"
                      "D38000000000000000", "-9223372036854775808"; "CB3FB999999999999A", "0.1"; "CA3FC00000", "1.5"
                      "CB4000000000000000", "2"; "A3616263", "\"abc\""; "A422C3BC0A", "\"\\\"ü\\n\"" ]
                for bytes, json in cases do
                    Expect.equal (fromHex bytes) json bytes
            }
            test "NaN and infinities are strings" {
                Expect.equal (fromHex "CB7FF8000000000000") "\"NaN\"" "NaN"
                Expect.equal (fromHex "CB7FF0000000000000") "\"Infinity\"" "+inf"
                Expect.equal (fromHex "CAFF800000") "\"-Infinity\"" "-inf"
            }
            test "bin is base64" { Expect.equal (fromHex "C403010203") "\"AQID\"" "bin" }
            test "arrays and maps nest, compactly" {
                Expect.equal (fromHex "9291C081A17890") """[[null],{"x":[]}]""" "nested"
            }
            test "map keys that are not strings are written as their JSON text" {
                Expect.equal (fromHex "8401A161C0A16EC3A174C401FFA162") """{"1":"a","null":"n","true":"t","/w==":"b"}""" "stringified keys"
            }
            test "the timestamp extension is ISO-8601 UTC with only the digits it needs" {
                let at (value: DateTime) = JsonMessagePack.ToJson(ReadOnlyMemory(MessagePackSerializer.Serialize value))
                Expect.equal (at (DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc))) "\"2024-05-06T07:08:09Z\"" "whole seconds"
                Expect.equal (at (DateTime(2024, 5, 6, 7, 8, 9, 250, DateTimeKind.Utc))) "\"2024-05-06T07:08:09.25Z\"" "fraction"
            }
            test "other extensions are an object of type and base64 data" {
                Expect.equal (fromHex "D40501") """{"ext":5,"data":"AQ=="}""" "fixext 1"
            }
        ]
        testList "JSON to MessagePack" [
            test "without a type, JSON's own mapping in the smallest encodings" {
                let cases =
                    [ "1", "01"; "-1", "FF"; "300", "CD012C"; "1.5", "CB3FF8000000000000"; "\"a\"", "A161"; "true", "C3"; "null", "C0"
                      "[1,\"a\"]", "9201A161"; "{\"a\":1}", "81A16101"; "18446744073709551615", "CFFFFFFFFFFFFFFFFF"; " 7 ", "07"
                      "-0", "CB8000000000000000" ]
                for json, bytes in cases do
                    Expect.equal (fromJson typeof<obj> json) bytes json
            }
            test "text that is not one JSON value is refused with the parser's message" {
                for text in [ "x"; ""; "1 2"; "{\"a\":}"; "[1,]" ] do
                    Expect.throwsT<FormatException> (fun () -> JsonMessagePack.FromJson text |> ignore) text
                let error = Expect.throwsC (fun () -> JsonMessagePack.FromJson "tru" |> ignore) id
                Expect.stringContains error.Message "line 1" "located"
            }
            test "a string for bin is base64, and text that is not base64 stays a string" {
                Expect.equal (fromJson typeof<byte[]> "\"AQID\"") "C403010203" "bin"
                Expect.equal (fromJson typeof<byte[]> "\"no!\"") "A36E6F21" "left for the call to refuse"
                Expect.equal (fromJson typeof<obj> "\"AQID\"") "A441514944" "any: a string"
            }
            test "numbers for float parameters are float64 and for decimals their digits" {
                Expect.equal (fromJson typeof<float> "2") "CB4000000000000000" "float64"
                Expect.equal (fromJson typeof<decimal> "1.50") "A4312E3530" "decimal as its text"
            }
            test "enums take their names or their numbers" {
                Expect.equal (fromJson typeof<Level> "\"high\"") "05" "by name"
                Expect.equal (fromJson typeof<Level> "1") "01" "by number"
            }
            test "F# unions take a case name or a tag, and a bare name for a case without fields" {
                let circle = "9200" + "81A6726164697573CB3FF8000000000000"
                Expect.equal (fromJson typeof<Shape> """["Circle",{"radius":1.5}]""") circle "by name"
                Expect.equal (fromJson typeof<Shape> """[0,{"radius":1.5}]""") circle "by tag"
                Expect.equal (fromJson typeof<Light> "\"Green\"") "920180" "bare case"
                let rect = "920182" + "A5776964746" + "8CB3FF0000000000000" + "A6686569676874CB4000000000000000"
                Expect.equal (fromJson typeof<Shape option> """["rect",{"width":1,"height":2}]""") rect "inside an option; integers for float fields are float64"
            }
            test "records convert each member by its type, maps with integer keys parse their keys" {
                let json = """{"name":"n","data":"AQ==","tags":{"7":"x"},"at":"2024-01-02T03:04:05Z","Extra":"AQ=="}"""
                let str (text: string) = hex (MessagePackSerializer.Serialize text)
                let expected =
                    "85" + str "name" + str "n" + str "data" + "C40101" + str "tags" + "81" + "07" + str "x"
                    + str "at" + str "2024-01-02T03:04:05Z" + str "Extra" + str "AQ=="
                Expect.equal (fromJson typeof<Upload> json) expected "bin member, int-keyed map, ISO timestamp as text, unknown key as it is"
            }
            test "tuples convert each position by its own type" {
                Expect.equal (fromJson typeof<struct (int * byte[])> """[1,"AQ=="]""") "9201C40101" "int and bin"
            }
            testProp "JSON text survives MessagePack and back" (Prop.forAll (Arb.fromGen (Gen.sized (fun n -> jsonNativeValue (min n 30)))) (fun value ->
                let json = JsonMessagePack.ToJson(ReadOnlyMemory(MessagePackSerializer.Serialize<objnull> value))
                Expect.equal (JsonMessagePack.ToJson(ReadOnlyMemory(JsonMessagePack.FromJson json))) json "round trip"))
        ]
        testList "Wire shapes" [
            test "an F# union's cases carry their tags, names and named fields" {
                let shape = WireShape.Of typeof<Shape>
                Expect.equal shape.Kind WireKind.Union "union"
                let cases = shape.Cases |> Seq.map (fun c -> c.Tag, c.Name, [ for f in c.Fields -> f.Name, f.Shape.Name ]) |> List.ofSeq
                Expect.equal cases [ 0, "Circle", [ "radius", "float64" ]; 1, "Rect", [ "width", "float64"; "height", "float64" ] ] "cases"
            }
            test "unions without fields and single-case unions are read too" {
                let light = WireShape.Of typeof<Light>
                Expect.equal [ for c in light.Cases -> c.Tag, c.Name, c.Fields.Count ] [ 0, "Red", 0; 1, "Green", 0 ] "enum-like"
                let wrapped = WireShape.Of typeof<Wrapped>
                Expect.equal [ for c in wrapped.Cases -> c.Name, [ for f in c.Fields -> f.Name ] ] [ "Wrapped", [ "value" ] ] "single case"
            }
            test "a MessagePack [Union] type's cases are its case types, with their members as fields" {
                let shape = WireShape.Of typeof<Polygon>
                Expect.equal [ for c in shape.Cases -> c.Tag, c.Name, [ for f in c.Fields -> f.Name, f.Shape.Name ] ] [ 0, "SquareCase", [ "side", "float64" ] ] "cases"
            }
            test "a recursive record refers back to its own shape" {
                let tree = WireShape.Of typeof<Tree>
                let children = tree.Fields |> Seq.find (fun f -> f.Name = "children")
                Expect.equal children.Shape.Kind WireKind.Array "a list is an array"
                Expect.isTrue (Object.ReferenceEquals(children.Shape.Element, tree)) "the same shape"
            }
            test "options are nullable, F# maps are maps, enums list their members" {
                Expect.equal (WireShape.Of typeof<int option>).Kind WireKind.Nullable "option"
                let map = WireShape.Of typeof<Map<int, string>>
                Expect.equal (map.Kind, (nonNull map.Key).Kind, (nonNull map.Element).Kind) (WireKind.Map, WireKind.Integer, WireKind.String) "map"
                Expect.equal [ for m in (WireShape.Of typeof<Level>).Members -> m.Key, m.Value ] [ "Low", 1L; "High", 5L ] "enum"
            }
        ]
    ]
