module Tino.Tests.Serialization.MessagePackTests

open System
open System.Buffers
open System.Collections.Generic
open System.Runtime.InteropServices
open System.Runtime.Serialization
open Expecto
open FsCheck
open FsCheck.FSharp
open MessagePack
open Tino.Serialization
open Tino.Tests.Generators

// ---- Types the object formatter maps ----

type Note =
    { [<DataMember(Name = "title")>] Title: string
      [<DataMember(Name = "completed")>] Completed: bool }

type Edit =
    { [<DataMember(Name = "note")>] Note: Note
      [<DataMember(Name = "by")>] By: string }

type Board =
    { Name: string
      Notes: Note[]
      Owners: Dictionary<string, int> }

type Person = { Name: string; Age: Nullable<int> }

/// Keys at the edges of the object formatter's 32-byte key copy: 32 bytes (a fixstr of 31), 34 (a str8 of 32), and a
/// name of one character in two UTF-8 bytes.
type LongNames =
    { [<DataMember(Name = "abcdefghijklmnopqrstuvwxyz01234")>] Fits: int
      [<DataMember(Name = "abcdefghijklmnopqrstuvwxyz012345")>] Overflows: int
      [<DataMember(Name = "ü")>] Short: int }

/// F# nullness: a `string | null` field is optional and may be nil.
type Profile = { Handle: string; Nick: string | null }

type Pt() =
    member val X = 0 with get, set
    member val Y = 0 with get, set

[<Struct>]
type Vec = { Dx: float; Dy: float }

type Secretive() =
    member val Shown = "" with get, set
    [<IgnoreDataMember>]
    member val Hidden = "hidden" with get, set

/// A constructor parameter with a default value is optional.
type Counter(name: string, [<Optional; DefaultParameterValue(7)>] count: int) =
    member _.Name = name
    member _.Count = count

/// MessagePack's own [Key("...")] renames too.
type Keyed() =
    [<Key("k")>]
    member val Value = 0 with get, set

type Colour =
    | Red = 1
    | Green = 2

// ---- Helpers ----

let options = TinoMessagePack.DefaultOptions

let encode (value: 'T) =
    let writer = ArrayBufferWriter<byte>()
    ArgumentCodec.Encode(writer, value, options)
    writer.WrittenSpan.ToArray()

let decodeSequence<'T> (sequence: ReadOnlySequence<byte>) = ArgumentCodec.Decode<'T>(&sequence, options)

let decodeWith<'T> (custom: MessagePackSerializerOptions) (bytes: byte[]) =
    let sequence = ReadOnlySequence<byte>(bytes)
    ArgumentCodec.Decode<'T>(&sequence, custom)

let decode<'T> (bytes: byte[]) = decodeWith<'T> options bytes

let orEmpty (items: 'T[]) : 'T[] =
    match box items with
    | null -> [||]
    | _ -> items

let roundTrip (value: 'T) = decode<'T> (encode value)

/// A sequence of one segment per chunk.
type private Chunk(memory: ReadOnlyMemory<byte>, runningIndex: int64) as this =
    inherit ReadOnlySequenceSegment<byte>()
    do
        this.Memory <- memory
        this.RunningIndex <- runningIndex
    member this.Link(next: Chunk) = this.Next <- next

let segmented (chunks: byte[] list) =
    match chunks with
    | [] -> ReadOnlySequence<byte>.Empty
    | first :: rest ->
        let head = Chunk(ReadOnlyMemory first, 0L)
        let tail =
            rest
            |> List.fold
                (fun (last: Chunk) bytes ->
                    let next = Chunk(ReadOnlyMemory bytes, last.RunningIndex + int64 last.Memory.Length)
                    last.Link next
                    next)
                head
        ReadOnlySequence<byte>(head, 0, tail, tail.Memory.Length)

let splitAt (i: int) (bytes: byte[]) = segmented [ bytes[.. i - 1]; bytes[i..] ]
let bytePerSegment (bytes: byte[]) = segmented [ for b in bytes -> [| b |] ]

let checkDepth (maxDepth: int) (sequence: ReadOnlySequence<byte>) =
    match MessagePackCheck.IsWellFormed(&sequence, maxDepth) with
    | true, _ -> Ok()
    | false, fault -> Error fault

let check sequence = checkDepth 64 sequence

let checkBytes (bytes: byte[]) = check (ReadOnlySequence<byte> bytes)

let malformed message = Error(MessagePackFault(MessagePackFaultKind.Malformed, message))

/// The validation error that decoding raises.
let validationError (decoding: unit -> 'a) =
    try
        decoding () |> ignore
        failtest "expected a TinoValidationException"
    with :? TinoValidationException as error ->
        error

/// A step of a validation error's path.
type Step =
    | Key of string
    | Index of int

let pathOf (error: TinoValidationException) =
    [ for step in error.Path ->
          match step with
          | :? string as key -> Key key
          | :? int as index -> Index index
          | other -> failtest $"unexpected path element {other}" ]

/// MessagePack of a map with string keys and any values.
let mapOf (entries: (string * objnull) list) = encode (dict entries)

/// A value inside `depth` one-element arrays.
let nested (depth: int) (inner: byte[]) = Array.append (Array.replicate depth 0x91uy) inner

/// A value inside `depth` one-entry maps keyed "k".
let nestedMaps (depth: int) (inner: byte[]) =
    Array.append (Array.replicate depth [| 0x81uy; 0xa1uy; 0x6buy |] |> Array.concat) inner

// ---- Generators ----

let cleanString =
    ArbMap.defaults
    |> ArbMap.generate<string>
    |> Gen.map (fun s -> if String.IsNullOrEmpty s then "" else String.map (fun c -> if Char.IsSurrogate c then '?' else c) s)

let noteGen =
    gen {
        let! title = cleanString
        let! completed = ArbMap.defaults |> ArbMap.generate<bool>
        return { Title = title; Completed = completed }
    }

let editGen =
    gen {
        let! note = noteGen
        let! by = cleanString
        return { Note = note; By = by }
    }

/// Trees of the values MessagePack carries, as `object`: nil, bool, integers, floats, strings, bin, arrays and maps.
let anyGen: Gen<objnull> =
    let leaf =
        Gen.oneof
            [ Gen.constant null
              ArbMap.defaults |> ArbMap.generate<bool> |> Gen.map box
              ArbMap.defaults |> ArbMap.generate<int64> |> Gen.map box
              ArbMap.defaults |> ArbMap.generate<float> |> Gen.map box
              cleanString |> Gen.map box
              ArbMap.defaults |> ArbMap.generate<byte[]> |> Gen.map (orEmpty >> box) ]
    let rec tree size =
        if size <= 0 then
            leaf
        else
            Gen.oneof
                [ leaf
                  Gen.listOf (tree (size / 3)) |> Gen.map (fun items -> box (List.toArray items))
                  Gen.listOf (Gen.zip cleanString (tree (size / 3)))
                  |> Gen.map (fun entries ->
                      let map = Dictionary<obj, objnull>()
                      for key, value in entries do
                          map[key :> obj] <- value
                      box map) ]
    Gen.sized tree

let encodedAnyGen = anyGen |> Gen.map encode

/// Decoding as each of several types either succeeds or raises a validation error: never any other exception.
let decodesOrFailsValidation (bytes: byte[]) =
    let attempt (decoding: unit -> unit) =
        try
            decoding ()
        with :? TinoValidationException ->
            ()
    attempt (fun () -> decode<objnull> bytes |> ignore)
    attempt (fun () -> decode<Edit> bytes |> ignore)
    attempt (fun () -> decode<Board> bytes |> ignore)
    attempt (fun () -> decode<int[]> bytes |> ignore)
    attempt (fun () -> decode<Dictionary<string, int64>> bytes |> ignore)
    attempt (fun () -> decode<DateTime> bytes |> ignore)
    attempt (fun () -> decode<Vec> bytes |> ignore)
    attempt (fun () -> decode<Nullable<int>> bytes |> ignore)
    attempt (fun () -> decode<Guid> bytes |> ignore)
    attempt (fun () -> decode<char> bytes |> ignore)
    attempt (fun () -> decode<struct (int * string)> bytes |> ignore)

/// Bytes allocated by 100,000 decodes of a fixint after warm-up. A plain function: loops inside Expecto's `test`
/// builder go through its `For`, which enumerates (and allocates).
let allocatedByDecodingInts () =
    let bytes = ReadOnlySequence<byte>([| 0x05uy |])
    let mutable sum = 0
    for _i = 1 to 10_000 do
        sum <- sum + ArgumentCodec.Decode<int>(&bytes, options)
    let before = GC.GetAllocatedBytesForCurrentThread()
    for _i = 1 to 100_000 do
        sum <- sum + ArgumentCodec.Decode<int>(&bytes, options)
    let after = GC.GetAllocatedBytesForCurrentThread()
    struct (after - before, sum)

// ---- Tests ----

[<Tests>]
let tests =
    testList
        "Serialization"
        [ testList
              "TinoMessagePack"
              [ test "default options use Tino's resolver on untrusted data with hash-collision-resistant maps" {
                    Expect.isTrue (obj.ReferenceEquals(options.Resolver, TinoResolver.Instance)) "resolver"
                    Expect.isTrue options.Security.HashCollisionResistant "hash-collision resistant"
                    Expect.equal (TinoMessagePack.MaxDepthOf options) 64 "max depth"
                }
                test "a value inside maxDepth arrays decodes and one inside more does not" {
                    let shallow = TinoMessagePack.CreateOptions 3
                    Expect.isNotNull (decodeWith<objnull> shallow (nested 3 [| 0x90uy |])) "decoded"
                    let error = validationError (fun () -> decodeWith<objnull> shallow (nested 5 [| 1uy |]))
                    Expect.equal error.Message "value is nested too deep" "message"
                }
                test "a negative depth is refused" {
                    Expect.throwsT<ArgumentOutOfRangeException> (fun () -> TinoMessagePack.CreateOptions -1 |> ignore) "negative"
                } ]

          testList
              "WireTypeNames.Of"
              [ let cases =
                    [ typeof<int>, "int32"
                      typeof<int64>, "int64"
                      typeof<sbyte>, "int8"
                      typeof<byte>, "uint8"
                      typeof<int16>, "int16"
                      typeof<uint16>, "uint16"
                      typeof<uint32>, "uint32"
                      typeof<uint64>, "uint64"
                      typeof<float32>, "float32"
                      typeof<float>, "float64"
                      typeof<bool>, "bool"
                      typeof<string>, "string"
                      typeof<char>, "char"
                      typeof<decimal>, "decimal"
                      typeof<Guid>, "uuid"
                      typeof<DateTime>, "timestamp"
                      typeof<DateTimeOffset>, "timestamp"
                      typeof<byte[]>, "bin"
                      typeof<ReadOnlyMemory<byte>>, "bin"
                      typeof<obj>, "any"
                      typeof<unit>, "nil"
                      typeof<Nullable<int>>, "int32?"
                      typeof<int option>, "int32?"
                      typeof<int[]>, "array<int32>"
                      typeof<List<string>>, "array<string>"
                      typeof<IReadOnlyList<Note>>, "array<Note>"
                      typeof<int list>, "array<int32>"
                      typeof<Dictionary<string, int>>, "map<string,int32>"
                      typeof<Map<string, Note>>, "map<string,Note>"
                      typeof<int * string>, "tuple<int32,string>"
                      typeof<struct (int * bool)>, "tuple<int32,bool>"
                      typeof<KeyValuePair<string, int>>, "tuple<string,int32>"
                      typeof<Note>, "Note"
                      typeof<Colour>, "Colour"
                      typeof<Dictionary<string, int[]>>, "map<string,array<int32>>" ]
                for clrType, name in cases do
                    test $"names {clrType.Name} {name}" { Expect.equal (WireTypeNames.Of clrType) name (string clrType) }
                test "flattens tuples of eight or more items" {
                    Expect.equal
                        (WireTypeNames.Of typeof<struct (int * int * int * int * int * int * int * string * bool)>)
                        "tuple<int32,int32,int32,int32,int32,int32,int32,string,bool>"
                        "flattened"
                }
                test "returns the same string instance for repeated calls" {
                    Expect.isTrue
                        (obj.ReferenceEquals(WireTypeNames.Of typeof<Edit>, WireTypeNames.Of typeof<Edit>))
                        "cached"
                } ]

          testList
              "TinoResolver"
              [ testList
                    "wire forms"
                    [ test "writes integers in their smallest encoding" {
                          Expect.equal (encode 1) [| 0x01uy |] "fixint"
                          Expect.equal (encode 200) [| 0xccuy; 200uy |] "uint8"
                          Expect.equal (encode -1L) [| 0xffuy |] "negative fixint"
                      }
                      test "writes a double that float32 holds exactly as float32, others as float64" {
                          Expect.equal (encode 1.5) [| 0xcauy; 0x3fuy; 0xc0uy; 0uy; 0uy |] "1.5"
                          Expect.equal (encode 0.1).[0] 0xcbuy "0.1"
                          Expect.equal (encode nan).[0] 0xcbuy "NaN keeps its bits"
                          Expect.equal (encode 1.5f).[0] 0xcauy "float32"
                      }
                      test "writes a char as a one-character string and reads it back from a string or an integer" {
                          Expect.equal (encode 'a') [| 0xa1uy; 0x61uy |] "string"
                          Expect.equal (encode 'é') [| 0xa2uy; 0xc3uy; 0xa9uy |] "UTF-8"
                          Expect.equal (decode<char> [| 0x61uy |]) 'a' "integer accepted"
                      }
                      test "writes byte arrays and read-only memory as bin" {
                          Expect.equal (encode [| 1uy; 2uy |]) [| 0xc4uy; 2uy; 1uy; 2uy |] "byte[]"
                          Expect.equal (encode (ReadOnlyMemory [| 1uy |])) [| 0xc4uy; 1uy; 1uy |] "ReadOnlyMemory"
                      }
                      test "writes DateTime and DateTimeOffset as the timestamp extension of their UTC instant" {
                          Expect.equal (encode DateTime.UnixEpoch) [| 0xd6uy; 0xffuy; 0uy; 0uy; 0uy; 0uy |] "DateTime"
                          Expect.equal
                              (encode (DateTimeOffset(1970, 1, 1, 2, 0, 0, TimeSpan.FromHours 2.0)))
                              [| 0xd6uy; 0xffuy; 0uy; 0uy; 0uy; 0uy |]
                              "DateTimeOffset"
                      }
                      test "writes Guid and decimal as strings and enums as their underlying integer" {
                          Expect.equal (decode<string> (encode Guid.Empty)) "00000000-0000-0000-0000-000000000000" "uuid"
                          Expect.equal (decode<string> (encode 1.25m)) "1.25" "decimal"
                          Expect.equal (encode Colour.Green) [| 0x02uy |] "enum"
                      }
                      test "writes tuples as arrays" {
                          Expect.equal (encode (1, "a")) [| 0x92uy; 0x01uy; 0xa1uy; 0x61uy |] "tuple"
                      }
                      test "writes a record as a map keyed by member name, renamed by DataMember" {
                          let map = decode<Dictionary<string, objnull>> (encode { Title = "t"; Completed = true })
                          Expect.equal (Set.ofSeq map.Keys) (set [ "title"; "completed" ]) "keys"
                      }
                      test "writes keys of any length whole, each right after the value before it" {
                          let name (text: string) = Text.Encoding.UTF8.GetBytes text
                          let expected =
                              Array.concat
                                  [ [| 0x83uy; 0xbfuy |]; name "abcdefghijklmnopqrstuvwxyz01234"; [| 0x01uy; 0xd9uy; 0x20uy |]
                                    name "abcdefghijklmnopqrstuvwxyz012345"; [| 0x02uy; 0xa2uy; 0xc3uy; 0xbcuy; 0x03uy |] ]
                          let value = { Fits = 1; Overflows = 2; Short = 3 }
                          Expect.equal (encode value) expected "bytes"
                          Expect.equal (decode<LongNames> (encode value)) value "round trip"
                      }
                      test "writes every member of a class, honouring IgnoreDataMember and Key" {
                          let map = decode<Dictionary<string, objnull>> (encode (Secretive(Shown = "s")))
                          Expect.equal (List.ofSeq map.Keys) [ "shown" ] "ignored member left out, the shown one in snake case"
                          let keyed = decode<Dictionary<string, objnull>> (encode (Keyed(Value = 3)))
                          Expect.equal (List.ofSeq keyed.Keys) [ "k" ] "renamed by Key"
                      }
                      test "writes an object by its runtime type" {
                          Expect.equal (encode (box { Title = "t"; Completed = false })) (encode { Title = "t"; Completed = false }) "record as object"
                      } ]

                testList
                    "round trips"
                    [ testProp "int32" (fun (x: int) -> Expect.equal (roundTrip x) x "int32")
                      testProp "int64" (fun (x: int64) -> Expect.equal (roundTrip x) x "int64")
                      testProp "uint64" (fun (x: uint64) -> Expect.equal (roundTrip x) x "uint64")
                      testProp "int8 and uint16" (fun (x: sbyte, y: uint16) -> Expect.equal (roundTrip (x, y)) (x, y) "small")
                      testProp "float64 bit for bit" (fun (x: float) ->
                          Expect.equal (BitConverter.DoubleToInt64Bits(roundTrip x)) (BitConverter.DoubleToInt64Bits x) "bits")
                      testProp "float32" (fun (x: float32) ->
                          Expect.equal (BitConverter.SingleToInt32Bits(roundTrip x)) (BitConverter.SingleToInt32Bits x) "bits")
                      testProp "bool" (fun (x: bool) -> Expect.equal (roundTrip x) x "bool")
                      testPropWith "strings" cleanString (fun s -> Expect.equal (roundTrip s) s "string")
                      testProp "byte arrays" (fun (x: byte[]) -> Expect.equal (roundTrip x) x "bin")
                      testProp "arrays and lists of ints" (fun (x: int[]) ->
                          let x = orEmpty x
                          Expect.equal (roundTrip x) x "array"
                          Expect.sequenceEqual (roundTrip (ResizeArray x)) x "List"
                          Expect.sequenceEqual (roundTrip (x :> IReadOnlyList<int>)) x "IReadOnlyList")
                      testProp "dictionaries" (fun (entries: (int * int) list) ->
                          let map = Dictionary<int, int>()
                          for k, v in entries do
                              map[k] <- v
                          let entries (d: Dictionary<int, int>) = [ for kv in d -> kv.Key, kv.Value ]
                          Expect.equal (entries (roundTrip map)) (entries map) "map")
                      testProp "chars outside the surrogate range" (fun (c: char) ->
                          if not (Char.IsSurrogate c) then
                              Expect.equal (roundTrip c) c "char")
                      testProp "UTC DateTime to the tick" (fun (d: DateTime) ->
                          let utc = DateTime.SpecifyKind(d, DateTimeKind.Utc)
                          let back = roundTrip utc
                          Expect.equal back utc "instant"
                          Expect.equal back.Kind DateTimeKind.Utc "kind")
                      testProp "DateTimeOffset as the same instant" (fun (d: DateTimeOffset) ->
                          Expect.equal (roundTrip d) d "instant")
                      testProp "Guid and decimal" (fun (g: Guid, m: decimal) -> Expect.equal (roundTrip (g, m)) (g, m) "text")
                      testProp "Nullable" (fun (x: Nullable<int>) -> Expect.equal (roundTrip x) x "nullable")
                      testPropWith "nested records" editGen (fun edit -> Expect.equal (roundTrip edit) edit "record")
                      testPropWith "records holding arrays and dictionaries" (Gen.zip cleanString (Gen.arrayOf noteGen)) (fun (name, notes) ->
                          let owners = Dictionary<string, int>(dict [ name, 1 ])
                          let board = roundTrip { Name = name; Notes = notes; Owners = owners }
                          Expect.equal (board.Name, board.Notes, List.ofSeq board.Owners) (name, notes, List.ofSeq owners) "board")
                      testProp "settable classes" (fun (x: int, y: int) ->
                          let back = roundTrip (Pt(X = x, Y = y))
                          Expect.equal (back.X, back.Y) (x, y) "class")
                      testProp "struct records" (fun (dx: NormalFloat, dy: NormalFloat) ->
                          let v = { Dx = dx.Get; Dy = dy.Get }
                          Expect.equal (roundTrip v) v "struct")
                      testProp "enums" (fun (c: Colour) -> Expect.equal (roundTrip c) c "enum")
                      testPropWith "any value as object" anyGen (fun value ->
                          let bytes = encode value
                          Expect.equal (encode (decode<obj> bytes)) bytes "re-encodes to the same bytes") ]

                testList
                    "object formatter"
                    [ test "ignores unknown keys, whatever their type" {
                          let bytes =
                              encode (dict [ box "title", box "t"; box 7, box "x"; box "extra", box [| 1; 2 |]; box "completed", box true ])
                          Expect.equal (decode<Note> bytes) { Title = "t"; Completed = true } "decoded"
                      }
                      test "decodes keys in any order" {
                          Expect.equal (decode<Note> (mapOf [ "completed", box false; "title", box "x" ])) { Title = "x"; Completed = false } "decoded"
                      }
                      test "leaves a missing Nullable member null" {
                          Expect.equal (decode<Person> (mapOf [ "name", box "n" ])) { Name = "n"; Age = Nullable() } "optional"
                      }
                      test "leaves a missing nullable reference member null and accepts nil for it" {
                          Expect.equal (decode<Profile> (mapOf [ "handle", box "h" ])) { Handle = "h"; Nick = null } "missing"
                          Expect.equal (decode<Profile> (mapOf [ "handle", box "h"; "nick", null ])) { Handle = "h"; Nick = null } "nil"
                          let error = validationError (fun () -> decode<Profile> (mapOf [ "nick", box "n" ]))
                          Expect.equal (pathOf error) [ Key "handle" ] "a non-nullable string is required"
                      }
                      test "writes F# unit as nil and reads nil as unit" {
                          Expect.equal (encode ()) [| 0xc0uy |] "nil"
                          Expect.equal (decode<unit> [| 0xc0uy |]) () "unit"
                      }
                      test "gives a missing constructor parameter its default value" {
                          let counter = decode<Counter> (mapOf [ "name", box "n" ])
                          Expect.equal (counter.Name, counter.Count) ("n", 7) "default"
                      }
                      test "leaves a missing member of a class at its initial value only when it is optional" {
                          let error = validationError (fun () -> decode<Pt> (mapOf [ "x", box 1 ]))
                          Expect.equal (pathOf error) [ Key "y" ] "Y is an int, so required"
                      }
                      test "decodes a record from a map whose key crosses segments" {
                          let bytes = mapOf [ "title", box "t"; "completed", box true ]
                          let sequence = bytePerSegment bytes
                          Expect.equal (decodeSequence<Note> sequence) { Title = "t"; Completed = true } "decoded"
                      } ] ]

          testList
              "MessagePackCheck.IsWellFormed"
              [ testPropWith "accepts any encoded value, whole, split at any byte, and one byte per segment" encodedAnyGen (fun bytes ->
                    Expect.equal (checkBytes bytes) (Ok()) "whole"
                    Expect.equal (check (bytePerSegment bytes)) (Ok()) "byte per segment"
                    for i in 0 .. bytes.Length do
                        Expect.equal (check (splitAt i bytes)) (Ok()) $"split at {i}")
                testPropWith "calls every strict prefix of a value truncated" encodedAnyGen (fun bytes ->
                    for length in 1 .. bytes.Length - 1 do
                        Expect.equal (checkBytes bytes[.. length - 1]) (malformed "truncated value") $"prefix of {length}"
                        Expect.equal (check (bytePerSegment bytes[.. length - 1])) (malformed "truncated value") $"segmented prefix of {length}")
                testPropWith "calls a value followed by any byte trailing" (Gen.zip encodedAnyGen (ArbMap.defaults |> ArbMap.generate<byte>)) (fun (bytes, extra) ->
                    Expect.equal (checkBytes (Array.append bytes [| extra |])) (malformed "trailing bytes after the value") "trailing")
                testProp "never throws on random bytes, and what it accepts decodes or fails validation" (fun (bytes: byte[]) ->
                    let bytes = orEmpty bytes
                    match checkBytes bytes with
                    | Ok() ->
                        try
                            decode<objnull> bytes |> ignore
                        with :? TinoValidationException ->
                            ()
                    | Error _ -> ())
                testPropWith
                    "what it accepts after a byte of a valid value is changed decodes or fails validation, as any type"
                    (Gen.zip3 encodedAnyGen (ArbMap.defaults |> ArbMap.generate<int>) (ArbMap.defaults |> ArbMap.generate<byte>))
                    (fun (bytes, position, replacement) ->
                        let bytes = Array.copy bytes
                        bytes[abs (position % bytes.Length)] <- replacement
                        if checkBytes bytes = Ok() then
                            decodesOrFailsValidation bytes)
                testPropWith "any well-formed value decodes or fails validation, as any type" encodedAnyGen decodesOrFailsValidation
                test "calls an empty argument empty" { Expect.equal (checkBytes [||]) (malformed "empty argument") "empty" }
                test "refuses the type code 0xc1" {
                    Expect.equal (checkBytes [| 0xc1uy |]) (malformed "invalid type code 0xc1") "alone"
                    Expect.equal (checkBytes [| 0x92uy; 0x01uy; 0xc1uy |]) (malformed "invalid type code 0xc1") "inside an array"
                }
                test "refuses invalid UTF-8 in strings and map keys" {
                    Expect.equal (checkBytes [| 0xa1uy; 0xffuy |]) (malformed "invalid UTF-8 in string") "string"
                    Expect.equal (checkBytes [| 0x81uy; 0xa2uy; 0xc3uy; 0x28uy; 0x01uy |]) (malformed "invalid UTF-8 in string") "key"
                    Expect.equal (checkBytes [| 0xa3uy; 0xeduy; 0xa0uy; 0x80uy |]) (malformed "invalid UTF-8 in string") "surrogate"
                }
                test "judges a string split inside a character as a whole" {
                    let bytes = [| 0xa2uy; 0xc3uy; 0xa9uy |]
                    Expect.equal (check (splitAt 2 bytes)) (Ok()) "é split"
                    Expect.equal (check (splitAt 2 [| 0xa2uy; 0xc3uy; 0x28uy |])) (malformed "invalid UTF-8 in string") "bad split"
                }
                test "refuses lengths the input cannot hold" {
                    Expect.equal (checkBytes [| 0xdduy; 0xffuy; 0xffuy; 0xffuy; 0xffuy; 0x01uy |]) (malformed "truncated value") "array 32"
                    Expect.equal (checkBytes [| 0xdbuy; 0x00uy; 0x00uy; 0x01uy; 0x00uy; 0x61uy |]) (malformed "truncated value") "str 32"
                }
                test "refuses timestamps of a length or nanosecond count the extension does not define" {
                    Expect.equal (checkBytes [| 0xd5uy; 0xffuy; 0uy; 0uy |]) (malformed "invalid timestamp") "two bytes"
                    Expect.equal
                        (checkBytes [| 0xc7uy; 12uy; 0xffuy; 0x3buy; 0x9auy; 0xcauy; 0x00uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy |])
                        (malformed "invalid timestamp")
                        "one second of nanoseconds"
                    Expect.equal (checkBytes (encode DateTime.UtcNow)) (Ok()) "a real one"
                }
                test "accepts a value inside 64 arrays or maps and refuses one inside 65" {
                    Expect.equal (checkBytes (nested 64 [| 0x01uy |])) (Ok()) "64 arrays"
                    Expect.equal (checkBytes (nested 64 [| 0x90uy |])) (Ok()) "an empty array inside 64"
                    Expect.equal (checkBytes (nestedMaps 64 [| 0x01uy |])) (Ok()) "64 maps"
                    Expect.equal (checkBytes (nestedMaps 32 (nested 32 [| 0x01uy |]))) (Ok()) "32 maps around 32 arrays"
                    Expect.isTrue (checkBytes (nestedMaps 65 [| 0x01uy |])).IsError "65 maps"
                    match checkBytes (nested 65 [| 0x01uy |]) with
                    | Error fault -> Expect.equal fault.Kind MessagePackFaultKind.TooDeep "too deep"
                    | Ok() -> failtest "65 arrays accepted"
                    Expect.isTrue (check (bytePerSegment (nested 65 [| 0x01uy |]))).IsError "segmented"
                }
                test "survives hostile nesting far past the limit without overflowing the stack" {
                    let bytes = Array.replicate 1_000_000 0x91uy
                    match checkBytes bytes with
                    | Error fault -> Expect.equal fault.Kind MessagePackFaultKind.TooDeep "too deep"
                    | Ok() -> failtest "accepted"
                    match checkDepth 400 (ReadOnlySequence<byte> bytes) with
                    | Error fault -> Expect.equal fault.Kind MessagePackFaultKind.TooDeep "deep limit rents its stack"
                    | Ok() -> failtest "accepted"
                }
                test "accepts the 64 decoded by the default options" {
                    Expect.isNotNull (decode<objnull> (nested 64 [| 0x90uy |])) "decoded"
                } ]

          testList
              "ArgumentCodec.Decode"
              [ test "reports a value of the wrong type with what was expected" {
                    let error = validationError (fun () -> decode<int> (encode "A"))
                    Expect.equal (error.Message, error.ExpectedType, pathOf error) ("expected int32, got string", "int32", []) "error"
                }
                test "reports an integer out of range" {
                    let error = validationError (fun () -> decode<byte> (encode 300))
                    Expect.equal (error.Message, error.ExpectedType) ("value out of range for uint8", "uint8") "error"
                    let error = validationError (fun () -> decode<int> (encode UInt64.MaxValue))
                    Expect.equal error.Message "value out of range for int32" "uint64 into int32"
                }
                test "locates a missing field at the field, through nested records" {
                    let bytes = mapOf [ "note", box (dict [ "title", box "t" ]); "by", box "me" ]
                    let error = validationError (fun () -> decode<Edit> bytes)
                    Expect.equal (pathOf error) [ Key "note"; Key "completed" ] "path"
                    Expect.equal (error.Message, error.ExpectedType) ("field is required", "bool") "error"
                }
                test "refuses nil for a non-nullable reference member" {
                    let bytes = mapOf [ "note", box (dict [ "title", box "t"; "completed", box true ]); "by", null ]
                    let error = validationError (fun () -> decode<Edit> bytes)
                    Expect.equal (error.Message, error.ExpectedType, pathOf error) ("nil is not allowed", "string", [ Key "by" ]) "error"
                }
                test "locates a bad element by index and a bad map value by key" {
                    let error = validationError (fun () -> decode<int[]> (encode [| box 1; box "x" |]))
                    Expect.equal (error.Message, pathOf error) ("expected int32, got string", [ Index 1 ]) "array"
                    let notes = [| box (dict [ "title", box "a"; "completed", box true ]); box (dict [ "title", box "b" ]) |]
                    let error = validationError (fun () -> decode<Board> (mapOf [ "name", box "n"; "notes", box notes; "owners", box (dict []) ]))
                    Expect.equal (pathOf error) [ Key "notes"; Index 1; Key "completed" ] "record in array in record"
                    let error = validationError (fun () -> decode<Dictionary<string, int>> (mapOf [ "a", box "x" ]))
                    Expect.equal (pathOf error) [ Key "a" ] "map value"
                }
                test "refuses a repeated field" {
                    let bytes = [| 0x82uy; 0xa1uy; 0x78uy; 0x01uy; 0xa1uy; 0x78uy; 0x02uy |] // {"x": 1, "x": 2}
                    let error = validationError (fun () -> decode<Pt> bytes)
                    Expect.equal (error.Message, pathOf error) ("duplicate field", [ Key "x" ]) "duplicate"
                }
                test "reports a record given something other than a map by the record's name" {
                    let error = validationError (fun () -> decode<Note> (encode 5))
                    Expect.equal (error.Message, error.ExpectedType) ("expected Note, got integer", "Note") "error"
                    let error = validationError (fun () -> decode<Vec> [| 0xc0uy |])
                    Expect.equal error.Message "expected Vec, got nil" "nil struct"
                }
                test "accepts ISO-8601 strings for DateTime and DateTimeOffset" {
                    Expect.equal (decode<DateTime> (encode "2024-01-02T03:04:05Z")) (DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)) "Z"
                    Expect.equal (decode<DateTime> (encode "2024-01-02T05:04:05.5+02:00")) (DateTime(2024, 1, 2, 3, 4, 5, 500, DateTimeKind.Utc)) "offset"
                    Expect.equal (decode<DateTime> (encode "2024-01-02")) (DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc)) "date"
                    let offset = decode<DateTimeOffset> (encode "2024-01-02T05:04:05+02:00")
                    Expect.equal offset.Offset (TimeSpan.FromHours 2.0) "offset kept"
                    let error = validationError (fun () -> decode<DateTime> (encode "next tuesday"))
                    Expect.equal (error.Message, error.ExpectedType) ("string is not an ISO-8601 timestamp", "timestamp") "not ISO"
                }
                test "reports a string that is not a uuid" {
                    let error = validationError (fun () -> decode<Guid> (encode "nope"))
                    Expect.equal (error.Message, error.ExpectedType) ("string is not a valid uuid", "uuid") "error"
                }
                test "decodes from a sequence of one byte per segment" {
                    let edit = { Note = { Title = "héllo"; Completed = true }; By = "me" }
                    Expect.equal (decodeSequence<Edit> (bytePerSegment (encode edit))) edit "decoded"
                }
                test "decodes an int without allocating" {
                    let struct (allocated, sum) = allocatedByDecodingInts ()
                    Expect.equal allocated 0L $"allocated bytes (sum {sum})"
                }
                test "a type the object formatter cannot build says why" {
                    Expect.throwsT<FormatterNotRegisteredException>
                        (fun () -> decode<IComparable> [| 0x01uy |] |> ignore)
                        "interface"
                } ] ]
