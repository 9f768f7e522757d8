module Tino.Tests.Protocol.ReplyTests

open System
open System.Buffers
open System.Text
open Expecto
open FsCheck.FSharp
open Tino.Protocol
open Tino.Tests.Generators
open Tino.Tests.Protocol.Sequences

/// A reply as plain values. NullArray is written as `*-1` and reads back as Null.
type Reply =
    | Simple of byte[]
    | Error of byte[]
    | Integer of int64
    | Bulk of byte[]
    | Array of Reply list
    | Null
    | NullArray

type Outcome =
    | Parsed of Reply
    | Incomplete
    | Rejected of string

let rec toModel (reply: RespReply) =
    match reply.Kind with
    | RespReplyKind.SimpleString -> Simple(reply.Bytes.ToArray())
    | RespReplyKind.Error -> Error(reply.Bytes.ToArray())
    | RespReplyKind.Integer -> Integer reply.Integer
    | RespReplyKind.BulkString -> Bulk(reply.Bytes.ToArray())
    | RespReplyKind.Array -> Array [ for item in reply.Items -> toModel item ]
    | _ -> Null

/// What a reply reads back as: null arrays are nulls.
let rec normalize reply =
    match reply with
    | NullArray -> Null
    | Array items -> Array(List.map normalize items)
    | other -> other

let rec write (writer: IBufferWriter<byte>) reply =
    match reply with
    | Simple text -> RespWriter.WriteSimpleString(writer, ReadOnlySpan text)
    | Error line -> RespWriter.WriteRawError(writer, ReadOnlySpan line)
    | Integer value -> RespWriter.WriteInteger(writer, value)
    | Bulk data -> RespWriter.WriteBulkString(writer, ReadOnlySpan data)
    | Array items ->
        RespWriter.WriteArrayHeader(writer, List.length items)
        items |> List.iter (write writer)
    | Null -> RespWriter.WriteNullBulkString writer
    | NullArray -> RespWriter.WriteArrayHeader(writer, -1)

let written reply =
    let writer = ArrayBufferWriter<byte>()
    write writer reply
    writer.WrittenSpan.ToArray()

let parseReply (sequence: ReadOnlySequence<byte>) =
    let mutable reader = SequenceReader<byte>(sequence)
    let mutable reply = Unchecked.defaultof<RespReply>
    let mutable error = Unchecked.defaultof<RespError>
    let outcome =
        match RespReplyParser.TryRead(&reader, &reply, &error) with
        | RespStatus.Complete -> Parsed(toModel reply)
        | RespStatus.Incomplete -> Incomplete
        | _ -> Rejected error.Message
    outcome, reader.Consumed

/// A reply case in every variant: same outcome, exactly its bytes consumed, trailing bytes left alone.
let reads (input: byte[]) expected =
    for name, sequence, _ in variants input do
        Expect.equal (parseReply sequence) (Parsed expected, int64 input.Length) $"{name} of {show input}"

/// A rejected reply in every variant, rejected at its last byte.
let rejects (input: byte[]) message =
    for name, sequence, _ in variants input do
        Expect.equal (fst (parseReply sequence)) (Rejected message) $"{name} of {show input}"
    Expect.equal (parseReply (ofArray input[.. input.Length - 2])) (Incomplete, 0L) $"{show input} is decided at its last byte"

let readCase name input expected = test name { reads (bytes input) expected }
let rejectCase name input message = test name { rejects (bytes input) message }

let nested depth inner = String.replicate depth "*1\r\n" + inner

let private examples =
    testList "TryRead" [
        readCase "reads a simple string" "+OK\r\n" (Simple(bytes "OK"))
        readCase "reads an empty simple string" "+\r\n" (Simple [||])
        readCase "reads an error line without its dash" "-ERR unknown command\r\n" (Error(bytes "ERR unknown command"))
        readCase "reads zero" ":0\r\n" (Integer 0L)
        readCase "reads the smallest integer" ":-9223372036854775808\r\n" (Integer Int64.MinValue)
        readCase "reads the largest integer" ":9223372036854775807\r\n" (Integer Int64.MaxValue)
        readCase "reads a bulk string" "$5\r\nhello\r\n" (Bulk(bytes "hello"))
        readCase "keeps CR and LF inside a bulk string" "$4\r\na\r\nb\r\n" (Bulk(bytes "a\r\nb"))
        readCase "reads an empty bulk string" "$0\r\n\r\n" (Bulk [||])
        readCase "reads a null bulk string" "$-1\r\n" Null
        readCase "reads a null array" "*-1\r\n" Null
        readCase "reads an empty array" "*0\r\n" (Array [])
        readCase "reads nested arrays of mixed replies" "*3\r\n:1\r\n*2\r\n+a\r\n$-1\r\n$1\r\nb\r\n" (Array [ Integer 1L; Array [ Simple(bytes "a"); Null ]; Bulk(bytes "b") ])
        readCase "reads a value inside 64 arrays" (nested 64 ":1\r\n") (List.fold (fun inner _ -> Array [ inner ]) (Integer 1L) [ 1..64 ])
        rejectCase "rejects a 65th nested array at its first byte" (nested 64 "*") "arrays nested more than 64 deep"
        rejectCase "rejects an unknown type byte" "?" "unknown reply type '?'"
        rejectCase "names an unprintable type byte in hex" "\r" "unknown reply type byte 0x0D"
        rejectCase "rejects a non-digit in an integer at once" ":12a" "invalid integer"
        rejectCase "rejects an integer above the largest" ":9223372036854775808\r\n" "invalid integer"
        rejectCase "rejects an integer below the smallest" ":-9223372036854775809\r\n" "invalid integer"
        rejectCase "rejects a negative bulk length other than -1" "$-2\r\n" "invalid bulk length"
        rejectCase "rejects a bulk length with a leading zero" "$01" "invalid bulk length"
        rejectCase "rejects a negative array count other than -1" "*-2\r\n" "invalid multibulk length"
        rejectCase "rejects bytes other than CRLF after bulk data" "$2\r\nabX" "expected CRLF after bulk data"
        rejectCase "rejects LF without CR in a simple string" "+OK\n" "expected CR before LF"
        rejectCase "rejects CR not followed by LF in a simple string" "+OK\rx" "expected LF after CR"
        test "waits for the rest of a reply, consuming nothing" {
            for input in [ "*2\r\n:1\r\n$3\r\nab"; "+OK\r"; "$-1\r"; nested 3 "" ] do
                for name, sequence, _ in splitVariants (bytes input) do
                    Expect.equal (parseReply sequence) (Incomplete, 0L) $"{name} of {show (bytes input)}"
        }
        test "waits on an incomplete reply without allocating" {
            let sequence = ofArray (bytes "*3\r\n$5\r\nhello\r\n*2\r\n:1\r\n+O")
            let parse () =
                let mutable reader = SequenceReader<byte>(sequence)
                let mutable reply = Unchecked.defaultof<RespReply>
                let mutable error = Unchecked.defaultof<RespError>
                RespReplyParser.TryRead(&reader, &reply, &error)
            Expect.equal (parse ()) RespStatus.Incomplete "the reply is not whole"
            Expect.equal (RequestParserTests.allocatedBy (fun () -> for _ in 1..200 do parse () |> ignore)) 0L "bytes allocated by 200 attempts"
        }
    ]

let private lineGen =
    Gen.arrayOf (Gen.choose (0, 255) |> Gen.map byte |> Gen.filter (fun b -> b <> 13uy && b <> 10uy)) |> Gen.resize 30

let rec private replyGen depth =
    let leaves =
        Gen.oneof
            [ Gen.map Simple lineGen
              Gen.map Error lineGen
              Gen.map Integer (Gen.oneof [ ArbMap.defaults |> ArbMap.generate<int64>; Gen.elements [ Int64.MinValue; Int64.MaxValue; 0L ] ])
              Gen.map Bulk (Gen.arrayOf RequestParserTests.byteGen |> Gen.resize 40)
              Gen.elements [ Null; NullArray ] ]
    if depth = 0 then
        leaves
    else
        Gen.frequency [ 3, leaves; 1, Gen.listOf (replyGen (depth - 1)) |> Gen.resize 5 |> Gen.map Array ]

let private anyReply = replyGen 4

let private properties =
    testList "properties" [
        testPropWith "reads back any reply written with RespWriter" anyReply (fun reply ->
            let input = written reply
            Expect.equal (parseReply (ofArray input)) (Parsed(normalize reply), int64 input.Length) (show input))
        testPropWith "finds every strict prefix of a reply incomplete, consuming nothing" anyReply (fun reply ->
            let input = written reply
            for length in 0 .. input.Length - 1 do
                Expect.equal (parseReply (ofArray input[.. length - 1])) (Incomplete, 0L) $"prefix of {length} bytes of {show input}")
        testPropWith "reads a reply the same however it is split" (Gen.zip anyReply (Gen.listOf (Gen.choose (0, 10000)))) (fun (reply, parts) ->
            let input = written reply
            let cuts = parts |> List.map (fun p -> p * input.Length / 10000)
            Expect.equal (parseReply (splitAt cuts input)) (Parsed(normalize reply), int64 input.Length) (show input))
        testPropWith "gives the same answer for any bytes however they are split, and never throws" (Gen.arrayOf (Gen.frequency [ 3, RequestParserTests.byteGen; 1, Gen.elements (List.ofArray (bytes "+-:$*01-\r\n")) ])) (fun input ->
            let whole = parseReply (ofArray input)
            Expect.equal (parseReply (input |> Array.map Array.singleton |> List.ofArray |> ofChunks)) whole (show input)
            match whole with
            | Incomplete, consumed -> Expect.equal consumed 0L "incomplete consumes nothing"
            | Parsed _, consumed -> Expect.equal (parseReply (ofArray (Array.append input trailing))) (fst whole, consumed) "trailing bytes stay unread"
            | Rejected message, _ -> Expect.isFalse (message.Contains '\r' || message.Contains '\n') "messages stay on one line")
    ]

let private parsed (input: byte[]) =
    let mutable reader = SequenceReader<byte>(ReadOnlySequence<byte> input)
    let mutable reply = Unchecked.defaultof<RespReply>
    let mutable error = Unchecked.defaultof<RespError>
    Expect.equal (RespReplyParser.TryRead(&reader, &reply, &error)) RespStatus.Complete (show input)
    reply

let private replies =
    testList "RespReply" [
        test "shares one instance for nulls, the empty array and the empty bulk string" {
            Expect.isTrue (obj.ReferenceEquals(parsed (bytes "$-1\r\n"), RespReply.Null)) "$-1"
            Expect.isTrue (obj.ReferenceEquals(parsed (bytes "*-1\r\n"), RespReply.Null)) "*-1"
            Expect.isTrue (obj.ReferenceEquals(parsed (bytes "*0\r\n"), RespReply.EmptyArray)) "*0"
            Expect.isTrue (obj.ReferenceEquals(parsed (bytes "$0\r\n\r\n"), RespReply.EmptyBulkString)) "$0"
        }
        test "keeps its bytes when the receive buffer is reused" {
            let buffer = bytes "*2\r\n$5\r\nhello\r\n+OK\r\n"
            let reply = parsed buffer
            Array.fill buffer 0 buffer.Length 0uy
            Expect.equal (toModel reply) (Array [ Bulk(bytes "hello"); Simple(bytes "OK") ]) "the reply after the buffer was zeroed"
        }
        test "does not hand out its items as a mutable array" {
            let reply = parsed (bytes "*1\r\n:1\r\n")
            Expect.isFalse (reply.Items :? RespReply[]) "Items is a read-only view"
        }
        test "leaves members that do not apply to its kind empty" {
            let integer = parsed (bytes ":7\r\n")
            Expect.equal (integer.Bytes.Length, integer.Items.Count) (0, 0) "an integer has no bytes or items"
            let bulk = parsed (bytes "$1\r\nx\r\n")
            Expect.equal (bulk.Integer, bulk.Items.Count) (0L, 0) "a bulk string has no integer or items"
        }
        test "shows itself on one line for debugging" {
            let reply = parsed (bytes "*5\r\n+OK\r\n-ERR no\r\n:-3\r\n$3\r\na\"\n\r\n*2\r\n$-1\r\n*0\r\n")
            Expect.equal (string reply) "[+OK, -ERR no, :-3, \"a\\x22\\x0a\", [(nil), []]]" "ToString"
            Expect.equal (string (parsed (bytes ("$100\r\n" + String('z', 100) + "\r\n")))) ("\"" + String('z', 64) + "...(100 bytes)\"") "a long bulk string is cut"
        }
    ]

/// Runs a write against a growable buffer and against one that offers only what is asked; both must give `expected`.
let writes (action: IBufferWriter<byte> -> unit) (expected: byte[]) =
    let roomy = ArrayBufferWriter<byte>()
    action roomy
    Expect.equal (show (roomy.WrittenSpan.ToArray())) (show expected) "written to a growable buffer"
    let tight = TightWriter()
    action tight
    Expect.equal (show tight.Written) (show expected) "written to a buffer that hands out only what is asked"

let private utf8 (text: string) = Encoding.UTF8.GetBytes text

let private errorDetail (detail: string) =
    let writer = ArrayBufferWriter<byte>()
    RespWriter.WriteError(writer, ReadOnlySpan("E"B), detail.AsSpan())
    writer.WrittenSpan.ToArray()

/// Text with CR, LF, two-, three- and four-byte characters and lone surrogates, often longer than 128 bytes.
let private detailGen =
    let piece =
        Gen.frequency
            [ 6, Gen.choose (0x20, 0x7E) |> Gen.map (char >> string)
              1, Gen.elements [ "\r"; "\n"; "é"; "€"; "😀"; "\uD800"; "\uDC00" ]
              1, Gen.choose (0, 0xFFFF) |> Gen.map (char >> string) ]
    Gen.listOf piece |> Gen.resize 160 |> Gen.map (String.concat "")

let private writer =
    let writeCase name action expected = test name { writes action (bytes expected) }
    testList "RespWriter" [
        writeCase "writes a simple string" (fun w -> RespWriter.WriteSimpleString(w, ReadOnlySpan("PONG"B))) "+PONG\r\n"
        writeCase "turns CR and LF in a simple string into spaces" (fun w -> RespWriter.WriteSimpleString(w, ReadOnlySpan("a\r\nb"B))) "+a  b\r\n"
        writeCase "writes OK" RespWriter.WriteOk "+OK\r\n"
        writeCase "writes an error code and detail" (fun w -> RespWriter.WriteError(w, ReadOnlySpan("INVALID_COMMAND"B), "FOO".AsSpan())) "-INVALID_COMMAND FOO\r\n"
        writeCase "writes an error code alone when the detail is empty" (fun w -> RespWriter.WriteError(w, ReadOnlySpan("SHUTTING_DOWN"B), ReadOnlySpan.Empty)) "-SHUTTING_DOWN\r\n"
        writeCase "turns CR and LF in an error into spaces" (fun w -> RespWriter.WriteError(w, ReadOnlySpan("E\r"B), "a\r\nb\n".AsSpan())) "-E  a  b \r\n"
        writeCase "writes a raw error line" (fun w -> RespWriter.WriteRawError(w, ReadOnlySpan("ERR wrong number of arguments for 'echo' command"B))) "-ERR wrong number of arguments for 'echo' command\r\n"
        writeCase "turns CR and LF in a raw error line into spaces" (fun w -> RespWriter.WriteRawError(w, ReadOnlySpan("ERR a\r\nb"B))) "-ERR a  b\r\n"
        test "cuts an error detail to 128 bytes without splitting a UTF-8 sequence" {
            let cases =
                [ String('x', 200), String('x', 128)
                  String('x', 127) + "é", String('x', 127)
                  String('x', 126) + "é", String('x', 126) + "é"
                  String('x', 125) + "😀", String('x', 125)
                  String('x', 124) + "😀", String('x', 124) + "😀"
                  "bad \uD800 surrogate", "bad \uFFFD surrogate" ]
            for detail, kept in cases do
                writes (fun w -> RespWriter.WriteError(w, ReadOnlySpan("E"B), detail.AsSpan())) (Array.concat [ bytes "-E "; utf8 kept; bytes "\r\n" ])
        }
        test "cuts a raw error line to 128 bytes without splitting a UTF-8 sequence" {
            for line, kept in [ String('x', 200), String('x', 128); String('x', 127) + "é", String('x', 127); String('x', 126) + "é", String('x', 126) + "é"; String('x', 126) + "😀", String('x', 126) ] do
                writes (fun w -> RespWriter.WriteRawError(w, ReadOnlySpan(utf8 line))) (Array.concat [ bytes "-"; utf8 kept; bytes "\r\n" ])
        }
        testPropWith "writes any error detail as one line of at most 128 bytes of valid UTF-8" detailGen (fun detail ->
            let line = errorDetail detail
            let text = line[3 .. line.Length - 3]
            Expect.equal line[line.Length - 2 ..] (bytes "\r\n") "ends with CRLF"
            Expect.isFalse (Array.contains 13uy text || Array.contains 10uy text) "no CR or LF inside"
            Expect.isLessThanOrEqual text.Length 128 "at most 128 bytes of detail"
            let strict = UTF8Encoding(false, true)
            let decoded = strict.GetString text
            let full = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes detail).Replace('\r', ' ').Replace('\n', ' ')
            Expect.isTrue (full.StartsWith(decoded, StringComparison.Ordinal)) "a prefix of the whole detail")
        writeCase "writes zero" (fun w -> RespWriter.WriteInteger(w, 0L)) ":0\r\n"
        writeCase "writes the smallest integer" (fun w -> RespWriter.WriteInteger(w, Int64.MinValue)) ":-9223372036854775808\r\n"
        writeCase "writes the largest integer" (fun w -> RespWriter.WriteInteger(w, Int64.MaxValue)) ":9223372036854775807\r\n"
        writeCase "writes a bulk string" (fun w -> RespWriter.WriteBulkString(w, ReadOnlySpan("a\r\nb"B))) "$4\r\na\r\nb\r\n"
        writeCase "writes an empty bulk string" (fun w -> RespWriter.WriteBulkString(w, ReadOnlySpan<byte>.Empty)) "$0\r\n\r\n"
        test "writes a large bulk string in pieces" {
            let data = Array.init 100_000 (fun i -> byte (i % 251))
            writes (fun w -> RespWriter.WriteBulkString(w, ReadOnlySpan data)) (Array.concat [ bytes "$100000\r\n"; data; bytes "\r\n" ])
        }
        test "writes a bulk string from a sequence of several segments" {
            let sequence = splitAt [ 2; 5 ] (bytes "hello world")
            writes (fun w -> RespWriter.WriteBulkString(w, &sequence)) (bytes "$11\r\nhello world\r\n")
        }
        writeCase "writes the null bulk string" RespWriter.WriteNullBulkString "$-1\r\n"
        writeCase "writes an array header" (fun w -> RespWriter.WriteArrayHeader(w, 1000)) "*1000\r\n"
        writeCase "writes the null array" (fun w -> RespWriter.WriteArrayHeader(w, -1)) "*-1\r\n"
        writeCase "writes a bulk string header and CRLF around bytes written separately" (fun w ->
            RespWriter.WriteBulkStringHeader(w, 3)
            w.Write(ReadOnlySpan("abc"B))
            RespWriter.WriteCrlf w) "$3\r\nabc\r\n"
        test "refuses a count below -1 and a negative bulk length" {
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> RespWriter.WriteArrayHeader(ArrayBufferWriter<byte>(), -2)) "array count -2"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> RespWriter.WriteBulkStringHeader(ArrayBufferWriter<byte>(), -1)) "bulk length -1"
        }
    ]

[<Tests>]
let tests =
    testList "Protocol" [
        testList "RespReplyParser" [ examples; properties ]
        replies
        writer
    ]
