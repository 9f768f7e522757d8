module Tino.Tests.FSharp.SerializationTests

open System
open Expecto
open FsCheck.FSharp
open MessagePack
open Tino.FSharp.Serialization
open Tino.Serialization
open Tino.Tests.Generators
open Tino.Tests.FSharp.FSharpTypes

let encode (value: 'T) = MessagePackSerializer.Serialize<'T>(value, FSharpMessagePack.options)

let decode<'T> (bytes: byte[]) = MessagePackSerializer.Deserialize<'T>(ReadOnlyMemory bytes, FSharpMessagePack.options)

/// MessagePack built by hand, byte by byte, as another language's client would send it.
let bytes (values: int list) = values |> List.map byte |> Array.ofList

let str (text: string) = Text.Encoding.UTF8.GetBytes text |> fun b -> Array.append [| byte (0xa0 + b.Length) |] b

/// Decodes as the pipeline does: any failure comes out as a TinoValidationException.
let decodeArgument<'T> (input: byte[]) : 'T =
    let sequence = Buffers.ReadOnlySequence input
    ArgumentCodec.Decode<'T>(&sequence, FSharpMessagePack.options)

/// Where a validation error is, as text.
let pathOf (error: TinoValidationException) = error.Path |> Seq.map string |> List.ofSeq

/// The validation error that decoding `input` as `'T` gives.
let rejection<'T> (input: byte[]) : TinoValidationException =
    try
        decodeArgument<'T> input |> ignore
        failtest "expected the input to be refused"
    with :? TinoValidationException as error ->
        error

[<Tests>]
let roundTrips =
    testList "FSharpResolver round trips" [
        testPropWith "records, unions, options, collections and tuples nested in a record" generate<Outer> (fun outer ->
            Expect.equal (decode<Outer> (encode outer)) (normalize outer) "decode (encode v) = v")
        testPropWith "recursive unions" generate<Tree> (fun tree -> Expect.equal (decode<Tree> (encode tree)) tree "tree")
        testPropWith "options of options, with Some None reading back as None" generate<int option option> (fun value ->
            let expected = if value = Some None then None else value
            Expect.equal (decode<int option option> (encode value)) expected "option")
        testPropWith "maps keyed by records and sets of unions" generate<Map<Inner, Set<Shape>>> (fun value ->
            Expect.equal (decode (encode value)) value "map")
        testPropWith "lists of struct unions and voptions" generate<Coin voption list> (fun value ->
            Expect.equal (decode (encode value)) value "list")
        test "a record renamed with DataMember uses the new key" {
            let value = { name = "Tina"; age = 7 }
            Expect.equal (encode value) (Array.concat [ bytes [ 0x82 ]; str "full_name"; str "Tina"; str "age"; bytes [ 7 ] ]) "renamed key"
            Expect.equal (decode<Renamed> (encode value)) value "round trip"
        }
    ]

[<Tests>]
let wireForms =
    testList "FSharpResolver wire forms (PROTOCOL.md 6b)" [
        test "a union case is [tag, {field: value}]" {
            Expect.equal (encode (Circle 1.5)) (Array.concat [ bytes [ 0x92; 0x00; 0x81 ]; str "radius"; bytes [ 0xca; 0x3f; 0xc0; 0; 0 ] ]) "Circle"
            let rect = Array.concat [ bytes [ 0x92; 0x01; 0x82 ]; str "width"; bytes [ 2 ]; str "height"; bytes [ 3 ] ]
            Expect.equal (decode<Shape> rect) (Rect(2.0, 3.0)) "Rect from integers"
        }
        test "a case without fields is [tag, {}]" {
            Expect.equal (encode Dot) (bytes [ 0x92; 0x02; 0x80 ]) "Dot"
            Expect.equal (encode Tails) (bytes [ 0x92; 0x01; 0x80 ]) "struct union"
        }
        test "a union whose case without fields is null is written like any other" {
            Expect.equal (encode NoReading) (bytes [ 0x92; 0x00; 0x80 ]) "NoReading"
            let reading = Array.concat [ bytes [ 0x92; 0x01; 0x82 ]; str "celsius"; bytes [ 0xca; 0x41; 0xac; 0; 0 ]; str "station"; str "x" ]
            Expect.equal (encode (Reading(21.5, "x"))) reading "Reading"
            Expect.equal (decode<Reading> reading) (Reading(21.5, "x")) "Reading back"
            Expect.equal (decode<Reading> (encode NoReading)) NoReading "NoReading back"
        }
        test "fields as an array (the int-key form), or left out for a case without any, are accepted" {
            Expect.equal (decode<Shape> (bytes [ 0x92; 0x01; 0x92; 0x02; 0x03 ])) (Rect(2.0, 3.0)) "array of fields"
            Expect.equal (decode<Shape> (bytes [ 0x91; 0x02 ])) Dot "[tag]"
            Expect.equal (decode<Shape> (bytes [ 0x92; 0x02; 0xc0 ])) Dot "[tag, nil]"
        }
        test "unknown field names are skipped" {
            let input = Array.concat [ bytes [ 0x92; 0x00; 0x82 ]; str "extra"; bytes [ 0x90 ]; str "radius"; bytes [ 1 ] ]
            Expect.equal (decode<Shape> input) (Circle 1.0) "skipped"
        }
        test "None is nil and Some is the value itself" {
            Expect.equal (encode (None: int option)) (bytes [ 0xc0 ]) "None"
            Expect.equal (encode (Some 5)) (bytes [ 5 ]) "Some"
            Expect.equal (encode (ValueSome "a")) (str "a") "ValueSome"
            Expect.equal (encode (ValueNone: int voption)) (bytes [ 0xc0 ]) "ValueNone"
        }
        test "a record is a map keyed by field name; an option field may be left out" {
            let inner = { name = "n"; tags = [ "x" ]; score = None }
            let expected = Array.concat [ bytes [ 0x83 ]; str "name"; str "n"; str "tags"; bytes [ 0x91 ]; str "x"; str "score"; bytes [ 0xc0 ] ]
            Expect.equal (encode inner) expected "record"
            let withoutScore = Array.concat [ bytes [ 0x82 ]; str "tags"; bytes [ 0x90 ]; str "name"; str "n" ]
            Expect.equal (decode<Inner> withoutScore) { inner with tags = [] } "score left out"
        }
        test "list, array and set are arrays; Map is a map; tuples are arrays; unit is nil" {
            Expect.equal (encode [ 1; 2 ]) (bytes [ 0x92; 1; 2 ]) "list"
            Expect.equal (encode [| 1; 2 |]) (bytes [ 0x92; 1; 2 ]) "array"
            Expect.equal (encode (set [ 2; 1 ])) (bytes [ 0x92; 1; 2 ]) "set"
            Expect.equal (encode (Map [ "a", 1 ])) (Array.concat [ bytes [ 0x81 ]; str "a"; bytes [ 1 ] ]) "map"
            Expect.equal (encode (1, "a")) (Array.append (bytes [ 0x92; 1 ]) (str "a")) "tuple"
            Expect.equal (encode struct (1, true)) (bytes [ 0x92; 1; 0xc3 ]) "struct tuple"
            Expect.equal (encode ()) (bytes [ 0xc0 ]) "unit"
        }
        test "Result is a union like any other" {
            Expect.equal (encode (Ok 1: Result<int, string>)) (Array.concat [ bytes [ 0x92; 0; 0x81 ]; str "result_value"; bytes [ 1 ] ]) "Ok"
        }
    ]

[<Tests>]
let hostileInput =
    testList "FSharpResolver hostile input" [
        test "an unknown tag is located at the tag" {
            let error = rejection<Shape> (bytes [ 0x92; 0x07; 0x80 ])
            Expect.equal (pathOf error) [ "0" ] "at the tag"
            Expect.equal error.ExpectedType "Shape" "the union's name"
            Expect.stringContains error.Message "unknown case tag 7" "says which"
        }
        test "a tag that is not an integer, a negative or a huge tag are refused" {
            for input in [ Array.append (bytes [ 0x92 ]) (Array.append (str "Circle") (bytes [ 0x80 ])); bytes [ 0x92; 0xff; 0x80 ]; bytes [ 0x92; 0xcf; 0xff; 0xff; 0xff; 0xff; 0xff; 0xff; 0xff; 0xff; 0x80 ] ] do
                Expect.equal (pathOf (rejection<Shape> input)) [ "0" ] "at the tag"
        }
        test "wrong shapes are refused: not an array, wrong length, fields not a map" {
            for input in [ bytes [ 0x80 ]; bytes [ 0x90 ]; bytes [ 0x93; 0; 0x80; 0x80 ]; bytes [ 0x92; 0; 0x05 ]; bytes [ 0xc0 ] ] do
                Expect.equal (rejection<Shape> input).ExpectedType "Shape" $"%A{input}"
        }
        test "a missing field is located at that field" {
            let error = rejection<Shape> (Array.concat [ bytes [ 0x92; 0x01; 0x81 ]; str "width"; bytes [ 1 ] ])
            Expect.equal (pathOf error) [ "height" ] "at height"
            Expect.equal error.ExpectedType "float64" "its type"
        }
        test "a field of the wrong type is located at that field, deep inside records and lists" {
            let badShape = Array.concat [ bytes [ 0x92; 0x00; 0x81 ]; str "radius"; str "wide" ]
            let error = rejection<Shape list> (Array.append (bytes [ 0x92; 0xc0 ]) badShape)
            Expect.equal (pathOf error) [ "0" ] "the first element is nil"
            let error = rejection<Shape list> (Array.concat [ bytes [ 0x92 ]; encode Dot; badShape ])
            Expect.equal (pathOf error) [ "1"; "radius" ] "index then field"
            Expect.equal error.Message "expected float64, got string" "message"
        }
        test "a map with a repeated key or a value of the wrong type is located at the key" {
            let repeated = Array.concat [ bytes [ 0x82 ]; str "a"; bytes [ 1 ]; str "a"; bytes [ 2 ] ]
            Expect.equal (pathOf (rejection<Map<string, int>> repeated)) [ "a" ] "duplicate"
            let wrong = Array.concat [ bytes [ 0x81 ]; str "k"; str "v" ]
            Expect.equal (pathOf (rejection<Map<string, int>> wrong)) [ "k" ] "bad value"
            Expect.stringContains (rejection<Map<string, int>> (bytes [ 0x81; 0xc0; 1 ])).Message "nil" "nil key"
        }
        test "an option of the wrong type is refused as a nullable of the inner type" {
            Expect.equal (rejection<int option> (str "x")).ExpectedType "int32?" "int32?"
        }
        test "a depth bomb of nested unions is refused, not a stack overflow" {
            // Node(Node(Node(...))): each level is an array and a map, far past the depth limit.
            let level = Array.concat [ bytes [ 0x92; 0x01; 0x83 ]; str "value"; bytes [ 0 ]; str "right"; bytes [ 0x92; 0; 0x80 ]; str "left" ]
            let input = Array.append (Array.concat (List.replicate 10_000 level)) (bytes [ 0x92; 0; 0x80 ])
            Expect.stringContains (rejection<Tree> input).Message "too deep" "depth"
        }
        test "a depth bomb of lists inside unions is refused" {
            // Rose [Rose [Rose ...]]: each level is a union's array and map and a list's array.
            let level = Array.concat [ bytes [ 0x92; 0x00; 0x81 ]; str "children"; bytes [ 0x91 ] ]
            let input = Array.append (Array.concat (List.replicate 10_000 level)) (Array.concat [ bytes [ 0x92; 0x00; 0x81 ]; str "children"; bytes [ 0x90 ] ])
            Expect.stringContains (rejection<Rose> input).Message "too deep" "depth"
        }
        testPropWith "arbitrary well-formed bytes decoded as F# types only ever fail validation" (Gen.arrayOf (ArbMap.defaults |> ArbMap.generate<byte>)) (fun input ->
            let sequence = Buffers.ReadOnlySequence input
            let mutable fault = Unchecked.defaultof<MessagePackFault>
            if MessagePackCheck.IsWellFormed(&sequence, 64, &fault) then
                let attempt (decodeAs: byte[] -> unit) =
                    try decodeAs input |> ignore with :? TinoValidationException -> ()
                attempt (decodeArgument<Outer> >> ignore)
                attempt (decodeArgument<Tree> >> ignore)
                attempt (decodeArgument<Map<string, Shape option>> >> ignore)
                attempt (decodeArgument<Result<Coin list, int * string>> >> ignore))
    ]
