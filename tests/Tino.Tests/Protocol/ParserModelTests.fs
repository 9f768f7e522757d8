/// The request parser against a slow, obvious model of RESP2 multibulk requests: the same verdict
/// (complete with the same arguments, incomplete, or an error of the same kind) on valid, mutated and random bytes.
module Tino.Tests.Protocol.ParserModelTests

open System
open System.Text
open Expecto
open FsCheck.FSharp
open Tino.Protocol
open Tino.Tests.Generators
open Tino.Tests.Protocol.RequestParserTests
open Tino.Tests.Protocol.Sequences

type Verdict =
    | Parsed of byte[] list
    | Ignored
    | NeedsMore
    | Broken of RespErrorKind

exception private Stop of Verdict

/// A recursive-descent reading of PROTOCOL.md section 1 and Redis's rules, one byte at a time, with no cleverness.
let model (limits: RespLimits) (input: byte[]) : Verdict =
    let mutable at = 0
    let next () =
        if at >= input.Length then raise (Stop NeedsMore)
        at <- at + 1
        input[at - 1]
    let fail kind = raise (Stop(Broken kind))
    let expect (b: byte) = if next () <> b then fail RespErrorKind.Protocol
    /// "[-]digits\\r\\n": no leading zeros, no "-0", at most 19 digits, then CRLF.
    let number allowNegative =
        let mutable negative = false
        let mutable digits = []
        let mutable first = next ()
        if first = byte '-' && allowNegative then
            negative <- true
            first <- next ()
        if first < byte '0' || first > byte '9' || negative && first = byte '0' then fail RespErrorKind.Protocol
        digits <- [ first ]
        let mutable b = next ()
        while b <> byte '\r' do
            if b < byte '0' || b > byte '9' || digits.Head = byte '0' && digits.Length = 1 then fail RespErrorKind.Protocol
            digits <- b :: digits
            if digits.Length > 19 then fail RespErrorKind.Protocol
            b <- next ()
        expect (byte '\n')
        let value = digits |> List.rev |> List.fold (fun acc d -> acc * 10I + bigint (int d - int '0')) 0I
        if negative then -value else value
    try
        expect (byte '*')
        let count = number true
        if count <= 0I then Ignored
        else
            if count - 1I > bigint limits.MaxArguments then fail RespErrorKind.LimitExceeded
            let mutable total = bigint (at)
            let args =
                [ for _ in 1I .. count ->
                    expect (byte '$')
                    let lineStart = at - 1
                    let length = number false
                    if length > bigint limits.MaxArgumentBytes then fail RespErrorKind.LimitExceeded
                    total <- total + bigint (at - lineStart) + length + 2I
                    if total > bigint limits.MaxRequestBytes then fail RespErrorKind.LimitExceeded
                    let data = Array.init (int length) (fun _ -> next ())
                    expect (byte '\r')
                    expect (byte '\n')
                    data ]
            Parsed args
    with Stop verdict -> verdict

let verdictOf (outcome: Outcome) =
    match outcome with
    | Complete request when request.IsEmpty -> Ignored
    | Complete request -> Parsed(request.Name :: request.Args)
    | Incomplete -> NeedsMore
    | Failed(kind, _) -> Broken kind

let modelLimits = RespLimits(MaxArguments = 8, MaxArgumentBytes = 64, MaxRequestBytes = 200L)

/// Valid requests, then mutated: bytes flipped, dropped, duplicated, or digits and CR/LF put in odd places.
let multibulkGen =
    let word = Gen.arrayOfLength 3 (Gen.elements (Encoding.ASCII.GetBytes "ab\r\n$*-09"))
    let valid =
        gen {
            let! count = Gen.choose (0, 10)
            let! args = Gen.listOfLength count (Gen.arrayOf (Gen.choose (0, 255) |> Gen.map byte))
            let frame = Array.concat [ yield Encoding.ASCII.GetBytes $"*{count}\r\n"
                                       for a in args do
                                           yield Encoding.ASCII.GetBytes $"${a.Length}\r\n"
                                           yield a
                                           yield Encoding.ASCII.GetBytes "\r\n" ]
            return frame
        }
    let mutate (frame: byte[]) =
        gen {
            if frame.Length = 0 then return frame
            else
                let! at = Gen.choose (0, frame.Length - 1)
                let! kind = Gen.choose (0, 3)
                let! replacement = word
                return
                    match kind with
                    | 0 -> Array.concat [ frame[.. at - 1]; frame[at + 1 ..] ]
                    | 1 -> Array.concat [ frame[.. at - 1]; replacement; frame[at ..] ]
                    | 2 -> Array.concat [ frame[.. at - 1]; [| byte (frame[at] ^^^ 0x01uy) |]; frame[at + 1 ..] ]
                    | _ -> frame[.. at]
        }
    // The model covers multibulk frames; a mutation that removes the leading '*' would make an inline command.
    let multibulk (frame: byte[]) = if frame.Length > 0 && frame[0] = byte '*' then frame else Array.append [| byte '*' |] frame
    Gen.oneof [
        valid
        valid |> Gen.bind mutate
        valid |> Gen.bind mutate |> Gen.bind mutate
        Gen.arrayOf (Gen.elements (Encoding.ASCII.GetBytes "*$\r\n-0123456789ab"))
    ]
    |> Gen.map multibulk

[<Tests>]
let parserModel =
    testList "RespRequestParser against a model" [
        testPropWith "gives the model's verdict on valid, mutated and random multibulk bytes" multibulkGen (fun input ->
            let expected = model modelLimits input
            for name, sequence, _ in splitVariants input do
                let outcome, _, _ = parse modelLimits sequence
                Expect.equal (verdictOf outcome) expected $"{name}: {Convert.ToHexString input}")
        test "the model agrees with a few pinned cases" {
            Expect.equal (model modelLimits (Encoding.ASCII.GetBytes "*1\r\n$4\r\nPING\r\n")) (Parsed [ Encoding.ASCII.GetBytes "PING" ]) "ping"
            Expect.equal (model modelLimits (Encoding.ASCII.GetBytes "*1\r\n$4\r\nPI")) NeedsMore "cut"
            Expect.equal (model modelLimits (Encoding.ASCII.GetBytes "*01\r\n")) (Broken RespErrorKind.Protocol) "leading zero"
            Expect.equal (model modelLimits (Encoding.ASCII.GetBytes "*-1\r\n")) Ignored "null array"
            Expect.equal (model modelLimits (Encoding.ASCII.GetBytes "*10\r\n")) (Broken RespErrorKind.LimitExceeded) "too many"
        }
        test "a minus zero count is refused at its zero, before the line ends (a seed the property found)" {
            let input = Encoding.ASCII.GetBytes "*-0"
            Expect.equal (model modelLimits input) (Broken RespErrorKind.Protocol) "the model"
            let outcome, _, _ = parse modelLimits (ofArray input)
            Expect.equal (verdictOf outcome) (Broken RespErrorKind.Protocol) "the parser"
        }
    ]
