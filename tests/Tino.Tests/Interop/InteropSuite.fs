/// The end-to-end checks every interop server (docs/interop-server.md) must pass, whichever front built it:
/// the same request bytes must get the same reply bytes.
module Tino.Tests.Interop.InteropSuite

open System
open System.Text
open Expecto
open MessagePack
open Tino
open Tino.Protocol
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Streams.StreamTests
open Tino.Tests.Streams.EventTests

/// The MessagePack bytes of a map with string keys, in the given key order, of already encoded values.
let mpMap (pairs: (string * byte[]) list) : byte[] =
    Array.concat [
        yield [| byte (0x80 ||| pairs.Length) |]
        for key, value in pairs do
            yield mp key
            yield value
    ]

let bytesOf (reply: RespReply) =
    Expect.equal reply.Kind RespReplyKind.BulkString $"a bulk reply, got {text reply}"
    reply.Bytes.ToArray()

let hex (bytes: byte[]) = Convert.ToHexString bytes

/// Every interop command, each against a fresh server that `withInterop` runs while the body it is given runs
/// with the server's port, leaving out the tests whose names start with one of `without`.
let testsOn (label: string) (withInterop: (int -> unit) -> unit) (without: string list) =
    let connect (port: int) = new RespConnection(port)
    let wanted (test: Test) =
        match test with
        | TestLabel(name, _, _) -> not (without |> List.exists name.StartsWith)
        | _ -> true
    testSequenced <| testList $"Interop server ({label})" (List.filter wanted [
        test "add replies the sum as a 64-bit integer in its smallest encoding" {
            withInterop (fun port ->
                use c = connect port
                Expect.equal (hex (bytesOf (c.Call("add", [| 1uy |], [| 2uy |])))) "03" "1 + 2"
                Expect.equal (hex (bytesOf (c.Call("ADD", mp Int32.MaxValue, mp 1)))) "CE80000000" "no overflow"
                Expect.equal (value<int64> (c.Call("Add", mp Int32.MinValue, mp -1))) (int64 Int32.MinValue - 1L) "negative")
        }
        test "echo_value replies every kind of value unchanged" {
            withInterop (fun port ->
                use c = connect port
                let canonical =
                    [ "C0"; "C2"; "C3"; "00"; "7F"; "FF"; "E0"; "CC80"; "CD0100"; "D0DF"; "D18000"; "CE80000000"; "D280000000"
                      "CF8000000000000000"; "D38000000000000000"; "A3616263"; "C403010203"; "93010203"; "82A161C3A162C0"
                      "9291C081A17890" ]
                for bytes in canonical do
                    Expect.equal (hex (bytesOf (c.Call("echo_value", Convert.FromHexString bytes)))) bytes $"echo {bytes}"
                let double = mp 3.141592653589793
                Expect.equal (value<float> (c.Call("echo_value", double))) 3.141592653589793 "float64")
        }
        test "concat joins strings with nothing between" {
            withInterop (fun port ->
                use c = connect port
                Expect.equal (value<string> (c.Call("concat", mp [| "tino"; " "; "ünïcode" |]))) "tino ünïcode" "joined"
                Expect.equal (value<string> (c.Call("concat", mp Array.empty<string>))) "" "empty")
        }
        test "notes are created with ids from 1, read back by id, and missing ones are nil" {
            withInterop (fun port ->
                use c = connect port
                let created = bytesOf (c.Call("create_note", mpMap [ "text", mp "milk"; "completed", mp false ]))
                let expected = mpMap [ "id", mp 1; "text", mp "milk"; "completed", mp false ]
                Expect.equal (hex created) (hex expected) "the created note, keys in the documented order"
                c.Call("create_note", mpMap [ "completed", mp true; "text", mp "eggs"; "extra", mp 5 ]) |> ignore
                Expect.equal (hex (bytesOf (c.Call("get_note", mp 1)))) (hex expected) "get_note 1"
                Expect.equal (hex (bytesOf (c.Call("get_note", mp 99)))) "C0" "missing is nil"
                let all = value<Collections.Generic.Dictionary<string, objnull>[]> (c.Call("read_notes"))
                Expect.equal (all |> Array.map (fun n -> n["id"])) [| box 1uy; box 2uy |] "by id")
        }
        test "create_note with a missing field is a VALIDATION_ERROR located at the field" {
            withInterop (fun port ->
                use c = connect port
                let error = errorText (c.Call("create_note", mpMap [ "text", mp "milk" ]))
                Expect.stringStarts error """VALIDATION_ERROR ["command","note","completed"] """ "located"
                Expect.stringEnds error "\"bool\"" "typed")
        }
        test "whoami needs AUTH, maybe_whoami does not, and each knows who authenticated" {
            withInterop (fun port ->
                use c = connect port
                Expect.equal (errorText (c.Call("whoami"))) notAuthenticated "denied"
                Expect.equal (hex (bytesOf (c.Call("maybe_whoami")))) "C0" "nobody"
                Expect.equal (text (c.Call("AUTH", ascii "tinaspassword"))) "OK" "auth"
                Expect.equal (value<string> (c.Call("whoami"))) "tina" "tina"
                Expect.equal (value<string> (c.Call("maybe_whoami"))) "tina" "tina again"
                use bob = connect port
                Expect.equal (text (bob.Call("AUTH", ascii "bobspassword"))) "OK" "bob"
                Expect.equal (value<string> (bob.Call("whoami"))) "bob" "bob"
                use stranger = connect port
                Expect.equal (errorText (stranger.Call("AUTH", ascii "nope"))) invalidPassword "refused"
                Expect.isTrue (stranger.IsClosedByServer()) "and closed")
        }
        test "counter counts per connection" {
            withInterop (fun port ->
                use first = connect port
                use second = connect port
                let count (c: RespConnection) = hex (bytesOf (c.Call("counter")))
                Expect.equal [ count first; count first; count second; count first ] [ "01"; "02"; "01"; "03" ] "separate")
        }
        test "fail replies the given code and message, crash replies UNEXPECTED_ERROR" {
            withInterop (fun port ->
                use c = connect port
                Expect.equal (errorText (c.Call("fail", mp "NOT_FOUND", mp "no such thing"))) "NOT_FOUND \"no such thing\"" "typed"
                Expect.stringStarts (errorText (c.Call("crash"))) "UNEXPECTED_ERROR \"" "crash")
        }
        test "sleep waits and replies its argument" {
            withInterop (fun port ->
                use c = connect port
                Expect.equal (hex (bytesOf (c.Call("sleep", mp 20)))) "14" "20")
        }
        test "blob and blob_len move bin values both ways" {
            withInterop (fun port ->
                use c = connect port
                let blob = bytesOf (c.Call("blob", mp 70000))
                Expect.equal (hex blob[0..4]) "C600011170" "bin 32 header"
                Expect.equal blob[5..] (Array.init 70000 (fun i -> byte (i % 251))) "i % 251"
                Expect.equal (value<int> (c.Call("blob_len", Array.append [| 0xC4uy; 3uy |] [| 9uy; 9uy; 9uy |]))) 3 "len")
        }
        test "echo_bin replies the same bytes, at every bin header size" {
            withInterop (fun port ->
                use c = connect port
                for length in [ 0; 255; 256; 65535; 65536; 200_000 ] do
                    let sent = MessagePack.MessagePackSerializer.Serialize<byte[]>(Array.init length (fun i -> byte (i % 253)))
                    Expect.equal (bytesOf (c.Call("echo_bin", sent))) sent $"{length} bytes"
                Expect.stringStarts (errorText (c.Call("echo_bin", mp "text"))) "VALIDATION_ERROR [\"command\",\"b\"]" "a string is no bin")
        }
        test "shape_name reads the Shape union" {
            withInterop (fun port ->
                use c = connect port
                let circle = Array.concat [ [| 0x92uy; 0x00uy |]; mpMap [ "radius", mp 1.5 ] ]
                let rect = Array.concat [ [| 0x92uy; 0x01uy |]; mpMap [ "width", mp 2.0; "height", mp 0.1 ] ]
                Expect.equal (value<string> (c.Call("shape_name", circle))) "circle 1.5" "circle"
                Expect.equal (value<string> (c.Call("shape_name", rect))) "rect 2 0.1" "rect"
                Expect.stringStarts (errorText (c.Call("shape_name", Array.concat [ [| 0x92uy; 0x07uy |]; mpMap [] ]))) "VALIDATION_ERROR" "unknown tag")
        }
        test "range streams 0 .. n-1: plainly one array, through ITER in batches, each integer in its smallest encoding" {
            withInterop (fun port ->
                use c = connect port
                Expect.equal ((c.Call("range", mp 3)).ToString()) "[\"\\x00\", \"\\x01\", \"\\x02\"]" "*3 $1 \\x00 $1 \\x01 $1 \\x02"
                Expect.equal ((c.Call("range", mp 0)).ToString()) "[]" "*0"
                Expect.equal ((iter c "range" [ mp 2 ]).ToString()) "[\"0\", [\"\\x00\", \"\\x01\"]]" "ITER of a short stream ends at once"
                let first = iter c "range" [ mp 300 ]
                Expect.equal (snd (batchOf first)).Length 64 "the first batch is 64"
                let items, _ = readAll c 100 first
                Expect.equal (items |> List.map (bytesOf >> hex) |> fun all -> all[127], all[200], all[299]) ("7F", "CCC8", "CD012B") "fixint, uint8, uint16"
                Expect.equal (ints items) [ 0..299 ] "in order"
                let cursor, _ = batchOf (iter c "range" [ mp 1000 ])
                Expect.equal (text (c.Call("CLOSE", ascii cursor))) "OK" "CLOSE"
                Expect.equal (errorText (next c cursor 1)) $"INVALID_CURSOR {cursor}" "closed"
                Expect.equal (errorText (iter c "add" [ mp 1; mp 2 ])) "INVALID_COMMAND add" "ITER of a command that does not stream"
                Expect.equal (errorText (iter c "range" [ mp "x" ])) "VALIDATION_ERROR [\"command\",\"n\"] \"expected int32, got string\" \"int32\"" "ITER checks arguments")
        }
        test "notify publishes to channel and pattern subscribers and replies how many it reached" {
            withInterop (fun port ->
                use subscriber = connect port
                use watcher = connect port
                use caller = connect port
                Expect.equal (frame (subscriber.Call("SUBSCRIBE", ascii "interop"))) [ "subscribe"; "interop"; ":1" ] "subscribed"
                Expect.equal (frame (watcher.Call("PSUBSCRIBE", ascii "inter*"))) [ "psubscribe"; "inter*"; ":1" ] "psubscribed"
                let payload = Convert.FromHexString "82A161C3A162C0"
                Expect.equal (hex (bytesOf (caller.Call("notify", mp "interop", payload)))) "02" "two subscriptions reached"
                let message = subscriber.ReadReply()
                Expect.equal (message.Items |> Seq.map (fun i -> hex (i.Bytes.ToArray())) |> List.ofSeq) [ hex (ascii "message"); hex (ascii "interop"); "82A161C3A162C0" ] "*3 message interop <the value unchanged>"
                let pmessage = watcher.ReadReply()
                Expect.equal (pmessage.Items |> Seq.map (fun i -> hex (i.Bytes.ToArray())) |> List.ofSeq) [ hex (ascii "pmessage"); hex (ascii "inter*"); hex (ascii "interop"); "82A161C3A162C0" ] "*4 pmessage"
                Expect.equal (hex (bytesOf (caller.Call("notify", mp "nobody", mp 1)))) "00" "nobody listens"
                Expect.equal (frame (subscriber.Call("PING"))) [ "pong"; "" ] "the subscriber is in the subscribed state"
                Expect.stringStarts (errorText (caller.Call("notify", mp 1, mp 1))) "VALIDATION_ERROR [\"command\",\"channel\"]" "the channel is a string")
        }
        test "argument errors are the protocol's" {
            withInterop (fun port ->
                use c = connect port
                Expect.equal (errorText (c.Call("add", mp 1))) "NUM_ARG_MISMATCH expected 2 got 1" "count"
                Expect.stringStarts (errorText (c.Call("add", [| 0xC1uy |], mp 1))) """INVALID_MSGPACK ["command","a"]""" "bytes"
                Expect.stringStarts (errorText (c.Call("add", mp "x", mp 1))) """VALIDATION_ERROR ["command","a"]""" "type"
                Expect.equal (errorText (c.Call("nope"))) "INVALID_COMMAND nope" "unknown")
        }
    ])

/// Every interop command, against a fresh in-process server of `create ()`.
let tests (label: string) (create: unit -> TinoApp) (without: string list) =
    testsOn label (fun body -> withApp (create ()) (fun server -> body (portOf server))) without
