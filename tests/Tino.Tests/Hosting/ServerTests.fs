module Tino.Tests.Hosting.ServerTests

open System
open System.Text
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Hosting
open Tino.Protocol
open Tino.Tests.Hosting.TestServer

/// Runs `body` against a fresh server for `app` with the host options `options`, and stops the server afterwards.
let withHostOptions (options: TinoHostOptions) (app: TinoApp) (body: TinoServer -> unit) =
    let server = (startServerWith options app).GetAwaiter().GetResult()
    try body server
    finally server.StopAsync().GetAwaiter().GetResult()

/// Runs `body` against a fresh server for `app` and stops the server afterwards.
let withApp (app: TinoApp) (body: TinoServer -> unit) = withHostOptions TinoHostOptions.Default app body

let withServer body = withApp (TestApp.create ()) body

let connect (server: TinoServer) = new RespConnection(portOf server)

let expectErrorStarts (prefix: string) (reply: RespReply) =
    let message = errorText reply
    Expect.stringStarts message prefix $"the error reply starts with {prefix}"

[<Tests>]
let calls =
    testSequenced <| testList "TinoServer calls" [
        test "add(1, 2) replies the MessagePack of 3" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (value<int64> (c.Call("add", mp 1, mp 2))) 3L "1 + 2")
        }
        test "overlapping calls reply in request order, more of them in one read than the limit, the later ending first" {
            withApp ((TestApp.create ()).WithOptions(TinoOptions(MaxConcurrentCallsPerConnection = 4))) (fun server ->
                use c = connect server
                let delays = [ for i in 20 .. -1 .. 1 -> i * 5 ]
                c.Send(Array.concat [ for ms in delays -> request "sleep" [ mp ms ] ])
                Expect.equal [ for _ in delays -> value<int> (c.ReadReply()) ] delays "each reply in its request's place")
        }
        test "the reply is the exact bytes of PROTOCOL.md's example" {
            withServer (fun server ->
                use c = connect server
                c.Send(request "ADD" [ [| 1uy |]; [| 2uy |] ])
                let reply = c.ReadReply()
                Expect.equal (reply.Bytes.ToArray()) [| 3uy |] "$1 \\x03")
        }
        test "command names match case-insensitively" {
            withServer (fun server ->
                use c = connect server
                for name in [ "add"; "ADD"; "Add"; "aDd" ] do
                    Expect.equal (value<int64> (c.Call(name, mp 20, mp 22))) 42L name)
        }
        test "a command returning nothing replies MessagePack nil" {
            withApp (TinoApp.Empty.WithCommand("noop", Action(fun () -> ()))) (fun server ->
                use c = connect server
                let reply = c.Call("noop")
                Expect.equal (reply.Bytes.ToArray()) [| 0xC0uy |] "nil")
        }
        test "records, arrays, bin and any values cross the wire" {
            withServer (fun server ->
                use c = connect server
                let created = c.Call("create_note", mp (dict [ "text", box "milk"; "completed", box false ]))
                let note = value<Collections.Generic.IDictionary<obj, objnull>> created
                Expect.equal (note["text"]) (box "milk") "text"
                Expect.equal (value<string> (c.Call("concat", mp [| "a"; "b"; "c" |]))) "abc" "concat"
                Expect.equal (value<byte[]> (c.Call("blob", mp 300))) (Array.init 300 (fun i -> byte (i % 251))) "blob"
                Expect.equal (value<int> (c.Call("blob_len", mp (Array.zeroCreate<byte> 70000)))) 70000 "blob_len"
                let sent: objnull array = [| box 1; box "x"; null |]
                let expected: objnull array = [| box 1uy; box "x"; null |]
                Expect.equal (value<objnull array> (c.Call("echo_value", mp sent))) expected "echo")
        }
        test "an asynchronous handler's reply arrives when it completes" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("sleep", mp 30))) 30 "slept")
        }
    ]

[<Tests>]
let errors =
    testSequenced <| testList "TinoServer errors" [
        test "an unknown command replies INVALID_COMMAND with the name as sent and the connection stays open" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("nope", mp 1))) "INVALID_COMMAND nope" "error"
                Expect.equal (value<int64> (c.Call("add", mp 1, mp 1))) 2L "still open")
        }
        test "a command name with CR or LF inside is sanitised in the error" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("a\r\nb"))) "INVALID_COMMAND a  b" "no line breaks")
        }
        test "the wrong number of arguments replies NUM_ARG_MISMATCH" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("add", mp 1))) "NUM_ARG_MISMATCH expected 2 got 1" "too few"
                Expect.equal (errorText (c.Call("add", mp 1, mp 2, mp 3))) "NUM_ARG_MISMATCH expected 2 got 3" "too many")
        }
        test "bytes that are not one MessagePack value reply INVALID_MSGPACK located at the parameter" {
            withServer (fun server ->
                use c = connect server
                expectErrorStarts """INVALID_MSGPACK ["command","b"] """ (c.Call("add", mp 1, [| 0xC1uy |]))
                expectErrorStarts """INVALID_MSGPACK ["command","a"] """ (c.Call("add", [| 1uy; 2uy |], mp 1))
                expectErrorStarts """INVALID_MSGPACK ["command","a"] """ (c.Call("add", [||], mp 1))
                expectErrorStarts """INVALID_MSGPACK ["command","parts"] """ (c.Call("concat", [| 0x91uy; 0xA2uy; 0xFFuy; 0xFEuy |])))
        }
        test "a value of the wrong type replies VALIDATION_ERROR with location, message and type" {
            withServer (fun server ->
                use c = connect server
                let error = errorText (c.Call("add", mp "one", mp 2))
                Expect.stringStarts error """VALIDATION_ERROR ["command","a"] """ "located at a"
                Expect.stringEnds error "\"int32\"" "names the type")
        }
        test "an out-of-range integer replies VALIDATION_ERROR" {
            withServer (fun server ->
                use c = connect server
                expectErrorStarts """VALIDATION_ERROR ["command","a"] """ (c.Call("add", mp (1L <<< 40), mp 2)))
        }
        test "a record with a missing field replies VALIDATION_ERROR located at that field" {
            withServer (fun server ->
                use c = connect server
                let error = errorText (c.Call("create_note", mp (dict [ "text", box "milk" ])))
                Expect.stringStarts error """VALIDATION_ERROR ["command","note","completed"] """ "located at the field")
        }
        test "a handler's typed error replies its code and message" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("fail", mp "NOT_FOUND", mp "no note 7"))) "NOT_FOUND \"no note 7\"" "typed")
        }
        test "a typed error with an invalid code replies UNEXPECTED_ERROR" {
            withServer (fun server ->
                use c = connect server
                expectErrorStarts "UNEXPECTED_ERROR " (c.Call("fail", mp "bad code", mp "m")))
        }
        test "an ordinary exception replies UNEXPECTED_ERROR with an id and without its message" {
            withServer (fun server ->
                use c = connect server
                let error = errorText (c.Call("crash"))
                Expect.stringStarts error "UNEXPECTED_ERROR \"unexpected error (error id " "generic"
                Expect.isFalse (error.Contains "secret") "the message does not leak"
                Expect.equal (value<int64> (c.Call("add", mp 1, mp 1))) 2L "still open")
        }
        test "the option to expose exception messages puts the message in UNEXPECTED_ERROR" {
            withApp ((TestApp.create ()).WithOptions(TinoOptions(ExposeExceptionMessages = true))) (fun server ->
                use c = connect server
                Expect.stringContains (errorText (c.Call("crash"))) "the secret cause" "exposed")
        }
        test "no error line contains CR or LF, and a message is cut to 128 bytes of text before it is quoted" {
            withServer (fun server ->
                use c = connect server
                let error = errorText (c.Call("fail", mp "LONG", mp (String.replicate 300 "x\r\n")))
                Expect.isFalse (error.Contains "\r" || error.Contains "\n") "one line"
                let message = Text.Json.JsonSerializer.Deserialize<string>(error.Substring "LONG ".Length)
                Expect.equal message (String.replicate 300 "x\r\n" |> _.Substring(0, 128)) "the first 128 bytes of text, quoted whole")
        }
        test "bytes that are not RESP reply PROTOCOL_ERROR and close the connection" {
            withServer (fun server ->
                use c = connect server
                c.Send(ascii "*1\r\n$x\r\n")
                expectErrorStarts "PROTOCOL_ERROR " (c.ReadReply())
                Expect.isTrue (c.IsClosedByServer()) "closed")
        }
        test "a frame over a limit replies LIMIT_EXCEEDED and closes the connection" {
            let limits = RespLimits(MaxArgumentBytes = 1024)
            withApp ((TestApp.create ()).WithOptions(TinoOptions(Limits = limits))) (fun server ->
                use c = connect server
                c.Send(ascii "*2\r\n$8\r\nblob_len\r\n$100000\r\n")
                expectErrorStarts "LIMIT_EXCEEDED " (c.ReadReply())
                Expect.isTrue (c.IsClosedByServer()) "closed")
        }
        test "requests before a bad frame in the same read are answered first" {
            withServer (fun server ->
                use c = connect server
                c.Send(Array.append (request "add" [ mp 1; mp 2 ]) (ascii "*1\r\n+bad\r\n"))
                Expect.equal (value<int64> (c.ReadReply())) 3L "answered in order"
                expectErrorStarts "PROTOCOL_ERROR " (c.ReadReply()))
        }
        test "an error on one connection does not disturb another" {
            withServer (fun server ->
                use good = connect server
                use bad = connect server
                Expect.equal (value<int64> (good.Call("add", mp 1, mp 1))) 2L "before"
                bad.Send(ascii "*1\r\n$-5\r\n")
                expectErrorStarts "PROTOCOL_ERROR " (bad.ReadReply())
                Expect.equal (value<int64> (good.Call("add", mp 2, mp 2))) 4L "after")
        }
    ]
