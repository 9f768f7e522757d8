module Tino.Tests.Protocol.RequestParserTests

open System
open System.Buffers
open System.Runtime.InteropServices
open Expecto
open FsCheck.FSharp
open Tino.Protocol
open Tino.Tests.Generators
open Tino.Tests.Protocol.Sequences

/// What a parse produced, in plain values that compare structurally.
type Request =
    { Name: byte[]
      Args: byte[] list
      IsInline: bool
      IsEmpty: bool }

type Outcome =
    | Complete of Request
    | Incomplete
    | Failed of RespErrorKind * string

let private outcomeOf status (header: RespRequestHeader) (arguments: RespArguments) (error: RespError) =
    match status with
    | RespStatus.Complete ->
        Complete
            { Name = header.Name.ToArray()
              Args = [ for i in 0 .. arguments.Count - 1 -> arguments[i].ToArray() ]
              IsInline = header.IsInline
              IsEmpty = header.IsEmpty }
    | RespStatus.Incomplete -> Incomplete
    | _ -> Failed(error.Kind, error.Message)

/// Runs TryRead on a sequence: the outcome, the bytes the reader moved past, and the header's BytesRead.
let parseWith limits (arguments: RespArguments) (sequence: ReadOnlySequence<byte>) =
    let mutable reader = SequenceReader<byte>(sequence)
    let mutable header = Unchecked.defaultof<RespRequestHeader>
    let mutable error = Unchecked.defaultof<RespError>
    let status = RespRequestParser.TryRead(&reader, limits, arguments, &header, &error)
    outcomeOf status header arguments error, reader.Consumed, header.BytesRead

let parse limits sequence = parseWith limits (RespArguments()) sequence

let request name args =
    Complete { Name = bytes name; Args = List.map bytes args; IsInline = false; IsEmpty = false }

let inlineRequest name args =
    Complete { Name = bytes name; Args = List.map bytes args; IsInline = true; IsEmpty = false }

let ignored isInline =
    Complete { Name = [||]; Args = []; IsInline = isInline; IsEmpty = true }

let protocolError message = Failed(RespErrorKind.Protocol, message)
let limitExceeded what = Failed(RespErrorKind.LimitExceeded, what)

/// Checks a whole request in every variant: same outcome, exactly its bytes consumed, trailing bytes left alone.
let completes limits (input: byte[]) expected =
    for name, sequence, _ in variants input do
        let outcome, consumed, bytesRead = parse limits sequence
        Expect.equal outcome expected $"{name} of {show input}"
        Expect.equal consumed (int64 input.Length) $"{name}: the reader moves past the request and no further"
        Expect.equal bytesRead (int64 input.Length) $"{name}: BytesRead counts the whole request"

/// Checks that an input is rejected in every variant, and rejected at its last byte: without it, it is incomplete.
let fails limits (input: byte[]) expected =
    for name, sequence, _ in variants input do
        let outcome, _, _ = parse limits sequence
        Expect.equal outcome expected $"{name} of {show input}"
    let outcome, consumed, _ = parse limits (ofArray input[.. input.Length - 2])
    Expect.equal (outcome, consumed) (Incomplete, 0L) $"{show input} is decided at its last byte, not before"

/// Checks that an input is incomplete in every split, consuming nothing.
let waits limits (input: byte[]) =
    for name, sequence, _ in splitVariants input do
        let outcome, consumed, _ = parse limits sequence
        Expect.equal (outcome, consumed) (Incomplete, 0L) $"{name} of {show input} waits for more and consumes nothing"

let completeCase name input expected =
    test name { completes RespLimits.Default (bytes input) expected }

let failCase name input expected =
    test name { fails RespLimits.Default (bytes input) expected }

/// Small limits for the limit cases; `withLimits` varies one of them.
let withLimits maxArguments maxArgumentBytes maxRequestBytes =
    RespLimits(MaxArguments = maxArguments, MaxArgumentBytes = maxArgumentBytes, MaxRequestBytes = maxRequestBytes, MaxInlineBytes = 8)

let small = withLimits 2 4 25L

let private multibulk =
    testList "RESP arrays" [
        completeCase "reads a command with no arguments" "*1\r\n$4\r\nPING\r\n" (request "PING" [])
        completeCase "reads a command and its arguments" "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n" (request "SET" [ "key"; "value" ])
        completeCase "keeps CR and LF inside bulk data as data" "*2\r\n$4\r\nECHO\r\n$6\r\na\r\nb\r\n\r\n" (request "ECHO" [ "a\r\nb\r\n" ])
        completeCase "reads an empty argument" "*3\r\n$4\r\nECHO\r\n$0\r\n\r\n$1\r\nx\r\n" (request "ECHO" [ ""; "x" ])
        completeCase "reads an empty command name" "*1\r\n$0\r\n\r\n" (request "" [])
        test "reads every byte value in an argument" {
            let all = Array.init 256 byte
            let input = Array.concat [ bytes "*2\r\n$3\r\nSET\r\n$256\r\n"; all; bytes "\r\n" ]
            completes RespLimits.Default input (Complete { Name = bytes "SET"; Args = [ all ]; IsInline = false; IsEmpty = false })
        }
        test "reads a request with many arguments" {
            let args = [ for i in 1..150 -> string i ]
            let input = "*151\r\n$3\r\nDEL\r\n" + (args |> List.map (fun a -> $"${a.Length}\r\n{a}\r\n") |> String.concat "")
            completes RespLimits.Default (bytes input) (request "DEL" args)
        }
        completeCase "ignores *0 without a reply" "*0\r\n" (ignored false)
        completeCase "ignores *-1 without a reply" "*-1\r\n" (ignored false)
        completeCase "ignores any negative count without a reply" "*-42\r\n" (ignored false)
        test "waits for the rest of a request, consuming nothing" {
            waits RespLimits.Default (bytes "*2\r\n$4\r\nECHO\r\n$5\r\nhel")
            waits RespLimits.Default (bytes "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r")
            waits RespLimits.Default (bytes "*12")
        }
    ]

let private inlineCommands =
    testList "inline commands" [
        completeCase "reads a line ended by CRLF" "PING\r\n" (inlineRequest "PING" [])
        completeCase "reads a line ended by a bare LF" "ECHO hello\n" (inlineRequest "ECHO" [ "hello" ])
        completeCase "splits on runs of spaces and tabs and ignores them at both ends" "  SET \t key   value \t \r\n" (inlineRequest "SET" [ "key"; "value" ])
        completeCase "treats a stray CR inside the line as a blank" "ECHO a\rb\n" (inlineRequest "ECHO" [ "a"; "b" ])
        completeCase "ignores a blank line" "\r\n" (ignored true)
        completeCase "ignores a line of blanks" " \t \n" (ignored true)
        completeCase "reads double and single quoted arguments with blanks inside" "SET \"a b\" 'c d'\n" (inlineRequest "SET" [ "a b"; "c d" ])
        completeCase "reads empty quotes as an empty argument" "ECHO \"\" ''\n" (inlineRequest "ECHO" [ ""; "" ])
        completeCase "decodes escapes inside double quotes" "ECHO \"a\\x41\\n\\\"\\\\\\q\"\n" (inlineRequest "ECHO" [ "aA\n\"\\q" ])
        completeCase "reads \\x without two hex digits as a plain x" "ECHO \"\\x4\"\n" (inlineRequest "ECHO" [ "x4" ])
        completeCase "decodes only an escaped quote inside single quotes" "ECHO 'it\\'s a\\b'\n" (inlineRequest "ECHO" [ "it's a\\b" ])
        completeCase "joins plain text to a quoted part that follows it" "ECHO ab\"c d\" x'y'\n" (inlineRequest "ECHO" [ "abc d"; "xy" ])
        completeCase "decodes an escaped command name" "\"P\\x49NG\"\n" (inlineRequest "PING" [])
        completeCase "reads a NUL byte as an ordinary byte" "ECHO a\000b\n" (inlineRequest "ECHO" [ "a\000b" ])
        test "waits for the end of the line, consuming nothing" { waits RespLimits.Default (bytes "ECHO \"a b\" c\r") }
    ]

let private protocolErrors =
    testList "protocol errors" [
        failCase "rejects a non-digit in the array count at once" "*x" (protocolError "invalid multibulk length")
        failCase "rejects a non-digit after count digits at once" "*1x" (protocolError "invalid multibulk length")
        failCase "rejects a leading zero in a count" "*01" (protocolError "invalid multibulk length")
        failCase "rejects minus zero as a count" "*-0" (protocolError "invalid multibulk length")
        failCase "rejects a minus sign without digits" "*-\r" (protocolError "invalid multibulk length")
        failCase "rejects an empty count" "*\r" (protocolError "invalid multibulk length")
        failCase "rejects LF without CR after a count" "*1\n" (protocolError "expected CR before LF")
        failCase "rejects CR not followed by LF after a count" "*1\rx" (protocolError "expected LF after CR")
        failCase "rejects a simple string inside a request array" "*1\r\n+" (protocolError "expected '$', got '+'")
        failCase "rejects an integer inside a request array" "*2\r\n$4\r\nECHO\r\n:" (protocolError "expected '$', got ':'")
        failCase "names an unprintable type byte in hex" "*1\r\n\n" (protocolError "expected '$', got byte 0x0A")
        failCase "rejects a null bulk string at its minus sign" "*1\r\n$-" (protocolError "invalid bulk length")
        failCase "rejects a non-digit in a bulk length at once" "*1\r\n$4x" (protocolError "invalid bulk length")
        failCase "rejects LF without CR after a bulk length" "*1\r\n$4\n" (protocolError "expected CR before LF")
        failCase "rejects a bulk length longer than any number" "*1\r\n$12345678901234567890" (protocolError "invalid bulk length")
        failCase "rejects bytes other than CR after bulk data" "*1\r\n$4\r\nPINGx" (protocolError "expected CRLF after bulk data")
        failCase "rejects bytes other than LF after the CR ending bulk data" "*1\r\n$4\r\nPING\rx" (protocolError "expected CRLF after bulk data")
        failCase "rejects a bare LF after bulk data" "*1\r\n$4\r\nPING\n" (protocolError "expected CRLF after bulk data")
        failCase "rejects an unterminated double quote" "ECHO \"abc\n" (protocolError "unbalanced quotes")
        failCase "rejects an unterminated single quote" "ECHO 'abc\r\n" (protocolError "unbalanced quotes")
        failCase "rejects text right after a closing quote" "ECHO \"abc\"d\n" (protocolError "unbalanced quotes")
        failCase "rejects an unterminated quote in the command name" "\"PING\n" (protocolError "unbalanced quotes")
        failCase "rejects a trailing backslash inside quotes" "ECHO \"abc\\\n" (protocolError "unbalanced quotes")
    ]

let private limits =
    let limitCase name input expected = test name { fails small (bytes input) expected }
    testList "limits" [
        limitCase "rejects too many arguments as soon as the count arrives" "*4\r\n" (limitExceeded "arguments per request")
        test "accepts exactly the maximum number of arguments" {
            completes small (bytes "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n") (request "a" [ "b"; "c" ])
        }
        limitCase "rejects too many inline arguments" "A b c d\n" (limitExceeded "arguments per request")
        limitCase "rejects a long argument as soon as its length arrives" "*2\r\n$4\r\nECHO\r\n$5\r\n" (limitExceeded "bytes per argument")
        limitCase "rejects a long command name as soon as its length arrives" "*1\r\n$5\r\n" (limitExceeded "bytes per argument")
        limitCase "rejects a huge declared length" "*1\r\n$9999999999999\r\n" (limitExceeded "bytes per argument")
        test "accepts an argument of exactly the maximum length" {
            completes small (bytes "*2\r\n$4\r\nECHO\r\n$4\r\nabcd\r\n") (request "ECHO" [ "abcd" ])
        }
        test "rejects a request whose declared size passes the limit before its data arrives" {
            // 18 bytes of framing and name up to "$5\r\n", then 5 declared bytes and CRLF: 25 bytes fit, 26 do not.
            let limits = withLimits 2 10 25L
            completes limits (bytes "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n") (request "ECHO" [ "hello" ])
            fails limits (bytes "*2\r\n$4\r\nECHO\r\n$6\r\n") (limitExceeded "bytes per request")
        }
        test "accepts an inline line of exactly the maximum length with either terminator" {
            completes small (bytes "PING abc\r\n") (inlineRequest "PING" [ "abc" ])
            completes small (bytes "PING abc\n") (inlineRequest "PING" [ "abc" ])
            waits small (bytes "PING abc\r")
        }
        limitCase "rejects an inline line one byte too long before its end arrives" "PING abcd" (limitExceeded "bytes per inline request")
        limitCase "rejects a CR that cannot end a line within the limit" "PING abc\rx" (limitExceeded "bytes per inline request")
        test "counts an inline line and its terminator toward the request limit" {
            fails (withLimits 2 4 5L) (bytes "PING\r\n") (limitExceeded "bytes per request")
            completes (withLimits 2 4 6L) (bytes "PING\r\n") (inlineRequest "PING" [])
        }
    ]

/// Runs TryReadHeader then TryReadArguments over every split of `input`, checking the pieces on the way.
let private headerThenArguments limits (input: byte[]) (check: string -> RespStatus * RespRequestHeader * int64 -> RespStatus * Outcome * int64 -> unit) =
    for name, sequence, _ in splitVariants input do
        let mutable reader = SequenceReader<byte>(sequence)
        let mutable header = Unchecked.defaultof<RespRequestHeader>
        let mutable error = Unchecked.defaultof<RespError>
        let headerStatus = RespRequestParser.TryReadHeader(&reader, limits, &header, &error)
        let afterHeader = reader.Consumed
        let arguments = RespArguments()
        let argumentsStatus =
            if headerStatus = RespStatus.Complete then
                RespRequestParser.TryReadArguments(&reader, &header, limits, arguments, &error)
            else
                headerStatus
        check name (headerStatus, header, afterHeader) (argumentsStatus, outcomeOf argumentsStatus header arguments error, reader.Consumed)

let private headerFirst =
    testList "TryReadHeader and TryReadArguments" [
        test "read the name while the arguments have not arrived" {
            headerThenArguments RespLimits.Default (bytes "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n") (fun name (status, header, consumed) (argsStatus, _, argsConsumed) ->
                Expect.equal status RespStatus.Complete name
                Expect.equal (header.Name.ToArray()) (bytes "SET") name
                Expect.equal header.ArgumentCount 2 name
                Expect.equal header.BytesRead 13L name
                Expect.equal consumed 13L $"{name}: the reader stops right after the name"
                Expect.equal argsStatus RespStatus.Incomplete $"{name}: the second argument is missing"
                Expect.equal argsConsumed 13L $"{name}: incomplete arguments consume nothing")
        }
        test "read the arguments after the header" {
            let input = bytes "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\n"
            headerThenArguments RespLimits.Default input (fun name _ (status, outcome, consumed) ->
                Expect.equal status RespStatus.Complete name
                Expect.equal outcome (request "SET" [ "k"; "vv" ]) name
                Expect.equal consumed (int64 input.Length) name)
        }
        test "an incomplete request tells how many bytes it takes at least, through the last length that arrived" {
            // *2 $4 ECHO (14 bytes), then $100000 and its line end (9), 100,000 bytes and CRLF: 100,025 in all.
            let sequence = ofArray (bytes "*2\r\n$4\r\nECHO\r\n$100000\r\nabc")
            let mutable reader = SequenceReader<byte>(sequence)
            let mutable header = Unchecked.defaultof<RespRequestHeader>
            let mutable error = Unchecked.defaultof<RespError>
            Expect.equal (RespRequestParser.TryReadHeader(&reader, RespLimits.Default, &header, &error)) RespStatus.Complete "the header"
            let mutable known = 0L
            let status = RespRequestParser.TryReadArguments(&reader, &header, RespLimits.Default, RespArguments(), &error, &known)
            Expect.equal (status, known) (RespStatus.Incomplete, 100_025L) "the whole request's size, known from its one argument's length"
        }
        test "reject a huge declared argument before any of its bytes arrive" {
            headerThenArguments RespLimits.Default (bytes "*2\r\n$4\r\nECHO\r\n$999999999\r\n") (fun name (status, _, _) (_, outcome, _) ->
                Expect.equal status RespStatus.Complete name
                Expect.equal outcome (limitExceeded "bytes per argument") name)
        }
        test "count the header toward the request limit" {
            let limits = RespLimits(MaxRequestBytes = 24L)
            headerThenArguments limits (bytes "*2\r\n$4\r\nECHO\r\n$5\r\n") (fun name (status, header, _) (_, outcome, _) ->
                Expect.equal (status, header.BytesRead) (RespStatus.Complete, 14L) name
                Expect.equal outcome (limitExceeded "bytes per request") name)
        }
        test "reject too many arguments before the name arrives" {
            headerThenArguments small (bytes "*5\r\n") (fun name (status, _, _) _ -> Expect.equal status RespStatus.Error name)
        }
        test "read an inline command as its whole line" {
            headerThenArguments RespLimits.Default (bytes "ECHO a 'b c'\n") (fun name (status, header, consumed) (_, outcome, _) ->
                Expect.equal status RespStatus.Complete name
                Expect.isTrue header.IsInline name
                Expect.equal (header.ArgumentCount, header.BytesRead, consumed) (2, 13L, 13L) name
                Expect.equal outcome (inlineRequest "ECHO" [ "a"; "b c" ]) name)
        }
        test "report an empty frame with the bytes it took" {
            headerThenArguments RespLimits.Default (bytes "*0\r\n") (fun name (status, header, consumed) (_, outcome, _) ->
                Expect.equal (status, header.IsEmpty, header.BytesRead, consumed) (RespStatus.Complete, true, 4L, 4L) name
                Expect.equal outcome (ignored false) name)
        }
        test "wait for the name, consuming nothing" {
            headerThenArguments RespLimits.Default (bytes "*3\r\n$3\r\nSE") (fun name (status, _, consumed) _ ->
                Expect.equal (status, consumed) (RespStatus.Incomplete, 0L) name)
        }
    ]

/// Any byte, with CR, LF, '$' and '*' more often than chance, so data looks like framing.
let byteGen =
    Gen.frequency [ 4, Gen.choose (0, 255) |> Gen.map byte; 1, Gen.elements [ 13uy; 10uy; 36uy; 42uy ] ]

/// A command name and its arguments, as random bytes.
let requestGen =
    Gen.zip (Gen.arrayOf byteGen |> Gen.resize 12) (Gen.listOf (Gen.arrayOf byteGen |> Gen.resize 40) |> Gen.resize 8)

/// A request written with RespWriter's array and bulk string helpers.
let writeRequest (name: byte[]) (args: byte[] list) =
    let writer = ArrayBufferWriter<byte>()
    RespWriter.WriteArrayHeader(writer, 1 + List.length args)
    for value in name :: args do
        RespWriter.WriteBulkString(writer, ReadOnlySpan<byte> value)
    writer.WrittenSpan.ToArray()

let private written (name, args) =
    writeRequest name args, Complete { Name = name; Args = args; IsInline = false; IsEmpty = false }

/// Bytes that reach deep into the parser: RESP and inline tokens, random bytes, valid requests with one byte changed.
let private fuzzGen =
    let randomBytes = Gen.arrayOf (Gen.choose (0, 255) |> Gen.map byte)
    let token =
        [ "*"; "$"; "\r\n"; "\r"; "\n"; "0"; "1"; "2"; "3"; "-1"; "-"; "PING"; "a"; " "; "\t"; "\""; "'"; "\\"; "x"; "+"
          "99999999999"; "12345678901234567890" ]
        |> List.map bytes
        |> Gen.elements
    let tokens = Gen.listOf (Gen.frequency [ 4, token; 1, Gen.resize 3 randomBytes ]) |> Gen.map Array.concat
    let mutated =
        gen {
            let! input = requestGen |> Gen.map (fun (name, args) -> writeRequest name args)
            let! index = Gen.choose (0, input.Length - 1)
            let! value = byteGen
            return Array.updateAt index value input
        }
    Gen.oneof [ tokens; randomBytes; mutated ]

let private fuzzCase =
    Gen.zip3 fuzzGen (Gen.elements [ RespLimits.Default; small ]) (Gen.listOf (Gen.choose (0, 10000)))

/// Cut offsets given as parts in 10,000 of the input's length.
let private cutsOf (input: byte[]) parts = parts |> List.map (fun p -> p * input.Length / 10000)

/// Valid requests and fuzz, with limits and cuts: a request whole in one span takes the parser's fast path, the same
/// bytes cut anywhere take the byte-by-byte one.
let private fastOrSlowCase =
    let input = Gen.oneof [ fuzzGen; requestGen |> Gen.map (fun (name, args) -> writeRequest name args) ]
    Gen.zip3 input (Gen.elements [ RespLimits.Default; small; withLimits 8 64 40L ]) (Gen.listOf (Gen.choose (0, 10000)))

/// TryReadHeader then, when the header is complete, TryReadArguments, as Connection reads a request: everything
/// each call reports and how far the reader moved after each, in values that compare structurally.
let private headerFirstOutcome limits (sequence: ReadOnlySequence<byte>) =
    let mutable reader = SequenceReader<byte>(sequence)
    let mutable header = Unchecked.defaultof<RespRequestHeader>
    let mutable error = Unchecked.defaultof<RespError>
    let headerStatus = RespRequestParser.TryReadHeader(&reader, limits, &header, &error)
    let headerError = if headerStatus = RespStatus.Error then Some(error.Kind, error.Message) else None
    let headerPart =
        headerStatus, headerError, header.Name.ToArray(), header.ArgumentCount, header.IsInline, header.IsEmpty, header.BytesRead, reader.Consumed
    let arguments = RespArguments()
    let argumentsStatus =
        if headerStatus = RespStatus.Complete then RespRequestParser.TryReadArguments(&reader, &header, limits, arguments, &error)
        else headerStatus
    headerPart, outcomeOf argumentsStatus header arguments error, reader.Consumed

/// The ways of holding the same bytes that the fast path reads (one span) and that it leaves to the slow path (cut).
let private holdings (input: byte[]) parts =
    [ "in one segment", ofChunks [ input ]
      "in a MemoryManager's memory", ofManager input
      "one byte per segment", input |> Array.map Array.singleton |> List.ofArray |> ofChunks
      "random split", splitAt (cutsOf input parts) input ]

let private properties =
    testList "properties" [
        testPropWith "reads back any request written with RespWriter" requestGen (fun request ->
            let input, expected = written request
            let outcome, consumed, _ = parse RespLimits.Default (ofArray input)
            Expect.equal (outcome, consumed) (expected, int64 input.Length) (show input))
        testPropWith "finds every strict prefix of a request incomplete, consuming nothing" requestGen (fun request ->
            let input, _ = written request
            for length in 0 .. input.Length - 1 do
                let outcome, consumed, _ = parse RespLimits.Default (ofArray input[.. length - 1])
                Expect.equal (outcome, consumed) (Incomplete, 0L) $"prefix of {length} bytes of {show input}")
        testPropWith "reads a request the same however it is split" (Gen.zip requestGen (Gen.listOf (Gen.choose (0, 10000)))) (fun (request, parts) ->
            let input, expected = written request
            let outcome, consumed, _ = parse RespLimits.Default (splitAt (cutsOf input parts) input)
            Expect.equal (outcome, consumed) (expected, int64 input.Length) (show input))
        testPropWith "splits plain words on any blanks" (Gen.zip3 (Gen.listOf (Gen.elements [ "a"; "bc"; "D1"; "xyz" ])) (Gen.listOf (Gen.elements [ " "; "\t"; "  "; " \t " ])) (Gen.elements [ "\n"; "\r\n" ])) (fun (words, blanks, ending) ->
            let blank i = if blanks.IsEmpty then " " else blanks[i % blanks.Length]
            let line = (words |> List.mapi (fun i w -> blank i + w) |> String.concat "") + blank words.Length + ending
            let expected =
                match words with
                | [] -> ignored true
                | name :: args -> inlineRequest name args
            let outcome, consumed, _ = parse RespLimits.Default (ofArray (bytes line))
            Expect.equal (outcome, consumed) (expected, int64 line.Length) line)
        testPropWith "gives the same answer for any bytes however they are split, and never throws" fuzzCase (fun (input, limits, parts) ->
            let whole = parse limits (ofArray input)
            let outcome, consumed, _ = whole
            for name, sequence in [ "one byte per segment", input |> Array.map Array.singleton |> List.ofArray |> ofChunks; "random split", splitAt (cutsOf input parts) input ] do
                Expect.equal (parse limits sequence) whole $"{name} of {show input}"
            match outcome with
            | Incomplete -> Expect.equal consumed 0L "incomplete consumes nothing"
            | Complete _ -> Expect.isTrue (consumed > 0L && consumed <= int64 input.Length) "complete consumes part of the input"
            | Failed(_, message) -> Expect.isFalse (message.Contains '\r' || message.Contains '\n') "messages stay on one line")
        testPropWith "reads a whole request the same from one span as cut into segments" fastOrSlowCase (fun (input, limits, parts) ->
            let whole = parse limits (ofArray input)
            for name, sequence in holdings input parts do
                Expect.equal (parse limits sequence) whole $"{name} of {show input}")
        testPropWith "reads header then arguments the same from one span as cut into segments" fastOrSlowCase (fun (input, limits, parts) ->
            let whole = headerFirstOutcome limits (ofArray input)
            for name, sequence in holdings input parts do
                Expect.equal (headerFirstOutcome limits sequence) whole $"{name} of {show input}")
        testPropWith "keeps a decision whatever bytes follow" fuzzCase (fun (input, limits, _) ->
            match parse limits (ofArray input) with
            | Incomplete, _, _ -> ()
            | decided -> Expect.equal (parse limits (ofArray (Array.append input trailing))) decided (show input))
    ]

let private parseStatus limits (arguments: RespArguments) (sequence: ReadOnlySequence<byte>) =
    let mutable reader = SequenceReader<byte>(sequence)
    let mutable header = Unchecked.defaultof<RespRequestHeader>
    let mutable error = Unchecked.defaultof<RespError>
    RespRequestParser.TryRead(&reader, limits, arguments, &header, &error)

/// Bytes allocated on this thread by a second run of `action` (the first warms it up).
let allocatedBy (action: unit -> unit) =
    action ()
    let before = GC.GetAllocatedBytesForCurrentThread()
    action ()
    GC.GetAllocatedBytesForCurrentThread() - before

let private allocation =
    let noAllocation name (input: byte[]) (sequence: ReadOnlySequence<byte>) expected =
        test name {
            let arguments = RespArguments()
            Expect.equal (parseStatus RespLimits.Default arguments sequence) expected (show input)
            let allocated = allocatedBy (fun () -> for _ in 1..200 do parseStatus RespLimits.Default arguments sequence |> ignore)
            Expect.equal allocated 0L "bytes allocated by 200 parses"
        }
    let input = bytes "*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n$2\r\nEX\r\n"
    let inlineInput = bytes "SET key \"a value\" 'x'\r\n"
    testList "allocation" [
        noAllocation "parses a request in one segment without allocating" input (ofArray input) RespStatus.Complete
        noAllocation "parses a request split into bytes without allocating" input (splitAt [ 1 .. input.Length - 1 ] input) RespStatus.Complete
        noAllocation "waits on an incomplete request without allocating" input (splitAt [ 9; 20 ] input[.. 30]) RespStatus.Incomplete
        noAllocation "parses an inline command without escapes without allocating" inlineInput (ofArray inlineInput) RespStatus.Complete
    ]

let private arguments =
    testList "RespArguments" [
        test "throws for an index outside 0 to Count - 1" {
            let arguments = RespArguments()
            parseStatus RespLimits.Default arguments (ofArray (bytes "*3\r\n$4\r\nECHO\r\n$1\r\na\r\n$1\r\nb\r\n")) |> ignore
            Expect.equal (arguments[1].ToArray()) (bytes "b") "the last argument"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> arguments[2] |> ignore) "index = Count"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> arguments[-1] |> ignore) "negative index"
        }
        test "holds only the latest request's arguments when reused" {
            let arguments = RespArguments()
            parseWith RespLimits.Default arguments (ofArray (bytes "*4\r\n$3\r\nDEL\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")) |> ignore
            let outcome, _, _ = parseWith RespLimits.Default arguments (ofArray (bytes "*2\r\n$4\r\nECHO\r\n$1\r\nz\r\n"))
            Expect.equal outcome (request "ECHO" [ "z" ]) "the second request"
            Expect.equal arguments.Count 1 "one argument left"
        }
        test "is empty after a request that turns out incomplete" {
            let arguments = RespArguments()
            parseWith RespLimits.Default arguments (ofArray (bytes "*2\r\n$4\r\nECHO\r\n$1\r\nz\r\n")) |> ignore
            parseWith RespLimits.Default arguments (ofArray (bytes "*2\r\n$4\r\nECHO\r\n$1\r\n")) |> ignore
            Expect.equal arguments.Count 0 "no argument from the earlier request"
        }
        test "points into a segment's own memory when the buffer is made of segments" {
            let buffer = bytes "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n"
            let segment = Segment(ReadOnlyMemory buffer, 0L)
            let arguments = RespArguments()
            let mutable reader = SequenceReader<byte>(ReadOnlySequence<byte>(segment, 0, segment, buffer.Length))
            let mutable header = Unchecked.defaultof<RespRequestHeader>
            let mutable error = Unchecked.defaultof<RespError>
            Expect.equal (RespRequestParser.TryRead(&reader, RespLimits.Default, arguments, &header, &error)) RespStatus.Complete "read"
            for slice, offset in [ header.Name, 8; arguments[0], 18 ] do
                let mutable segmentOf = ArraySegment<byte>()
                Expect.isTrue (MemoryMarshal.TryGetArray(slice.First, &segmentOf)) "an array-backed slice"
                Expect.isTrue (obj.ReferenceEquals(segmentOf.Array, buffer)) "the segment's array itself"
                Expect.equal segmentOf.Offset offset "at the argument's place in the buffer"
        }
        test "reads a request in a later segment, or begun in an earlier one, after one read from an earlier segment" {
            let set = bytes "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\n"
            for cut in [ 0; 2; 9 ] do
                let chunks = [ Array.append trailing set[.. cut - 1]; set[cut ..] ]
                let arguments = RespArguments()
                let mutable reader = SequenceReader<byte>(ofChunks chunks)
                let mutable header = Unchecked.defaultof<RespRequestHeader>
                let mutable error = Unchecked.defaultof<RespError>
                let first = RespRequestParser.TryRead(&reader, RespLimits.Default, arguments, &header, &error)
                Expect.equal (outcomeOf first header arguments error) (request "PING" []) $"cut at {cut}: the first request"
                let second = RespRequestParser.TryRead(&reader, RespLimits.Default, arguments, &header, &error)
                Expect.equal (outcomeOf second header arguments error) (request "SET" [ "k"; "vv" ]) $"cut at {cut}: the second request"
                Expect.equal reader.Consumed (int64 (trailing.Length + set.Length)) $"cut at {cut}: both read"
        }
        test "points into the caller's buffer instead of copying" {
            let buffer = bytes "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n"
            let arguments = RespArguments()
            let mutable reader = SequenceReader<byte>(ReadOnlySequence<byte> buffer)
            let mutable header = Unchecked.defaultof<RespRequestHeader>
            let mutable error = Unchecked.defaultof<RespError>
            RespRequestParser.TryRead(&reader, RespLimits.Default, arguments, &header, &error) |> ignore
            for slice, offset in [ header.Name, 8; arguments[0], 18 ] do
                let mutable segment = ArraySegment<byte>()
                Expect.isTrue (MemoryMarshal.TryGetArray(slice.First, &segment)) "an array-backed slice"
                Expect.isTrue (obj.ReferenceEquals(segment.Array, buffer)) "the caller's array itself"
                Expect.equal segment.Offset offset "at the argument's place in the buffer"
        }
    ]

let private limitsRecord =
    testList "RespLimits" [
        test "defaults to the limits of PROTOCOL.md section 8" {
            let limits = RespLimits.Default
            Expect.equal limits.MaxArguments 1024 "arguments"
            Expect.equal limits.MaxArgumentBytes (16 * 1024 * 1024) "bytes per argument"
            Expect.equal limits.MaxRequestBytes (64L * 1024L * 1024L) "bytes per request"
            Expect.equal limits.MaxInlineBytes (64 * 1024) "bytes per inline request"
        }
        test "compares by value" {
            Expect.equal (RespLimits()) RespLimits.Default "fresh defaults equal the shared ones"
            Expect.notEqual (RespLimits(MaxArguments = 3)) RespLimits.Default "a changed limit differs"
        }
        test "refuses a negative limit" {
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> RespLimits(MaxArguments = -1) |> ignore) "arguments"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> RespLimits(MaxArgumentBytes = -1) |> ignore) "bytes per argument"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> RespLimits(MaxRequestBytes = -1L) |> ignore) "bytes per request"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> RespLimits(MaxInlineBytes = -1) |> ignore) "bytes per inline request"
        }
    ]

[<Tests>]
let tests =
    testList "Protocol" [
        testList "RespRequestParser" [
            testList "TryRead" [ multibulk; inlineCommands; protocolErrors; limits ]
            headerFirst
            properties
            allocation
        ]
        arguments
        limitsRecord
    ]
