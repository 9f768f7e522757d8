module Tino.Tests.Hosting.FuzzTests

open System
open System.Net
open System.Net.Sockets
open System.Text
open Expecto
open Tino
open Tino.Protocol
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// Valid requests of the interop surface, then mutated: bytes flipped, cut, doubled, or replaced by noise.
let mutatedFrames (random: Random) count =
    let valid =
        [| request "add" [ mp 1; mp 2 ]; request "concat" [ mp [| "a"; "b" |] ]; request "echo_value" [ mp (dict [ "k", 1 ]) ]
           request "create_note" [ mp (dict [ "text", box "t"; "completed", box true ]) ]; request "PING" []
           request "blob_len" [ mp (Array.zeroCreate<byte> 40) ]; ascii "ECHO hi\r\n"; request "counter" [] |]
    let noise () = Array.init (random.Next(1, 8)) (fun _ -> byte (random.Next 256))
    [ for _ in 1 .. count ->
        let frame = Array.copy valid[random.Next valid.Length]
        match random.Next 6 with
        | 0 -> frame
        | 1 -> frame[random.Next frame.Length] <- byte (random.Next 256); frame
        | 2 -> frame[.. random.Next frame.Length]
        | 3 -> Array.append frame frame
        | 4 -> let at = random.Next frame.Length in Array.concat [ frame[.. at]; noise (); frame[at + 1 ..] ]
        | _ -> noise () ]

[<Tests>]
let fuzz =
    testSequenced <| testList "TinoServer under fuzzed frames" [
        test "thousands of mutated frames leave the server answering, on an untouched connection and a new one" {
            withHostOptions (Tino.Hosting.TinoHostOptions(RequestTimeout = TimeSpan.FromSeconds 2.0)) (TestApp.create ()) (fun server ->
                use untouched = connect server
                Expect.equal (text (untouched.Call("PING"))) "PONG" "before"
                let random = Random 20261125
                let open' () =
                    let socket = new Socket(SocketType.Stream, ProtocolType.Tcp)
                    socket.Connect(IPEndPoint(IPAddress.Loopback, portOf server))
                    socket
                let sockets = Array.init 4 (fun _ -> open' ())
                let drain = Array.zeroCreate<byte> 65536
                let mutable sent = 0
                for frame in mutatedFrames random 3000 do
                    let k = random.Next sockets.Length
                    try
                        sockets[k].Send frame |> ignore
                        sent <- sent + 1
                    with :? SocketException ->
                        sockets[k].Dispose()
                        sockets[k] <- open' ()
                    for s in sockets do
                        while s.Available > 0 do
                            s.Receive drain |> ignore
                for s in sockets do
                    s.Dispose()
                Expect.isGreaterThan sent 2000 "most frames were delivered"
                Expect.equal (text (untouched.Call("PING"))) "PONG" "the untouched connection answers"
                use fresh = connect server
                Expect.equal (value<int64> (fresh.Call("add", mp 1, mp 2))) 3L "a new connection is served")
        }
    ]

[<Tests>]
let limitEdges =
    let limits = RespLimits(MaxArguments = 4, MaxArgumentBytes = 100, MaxRequestBytes = 300L)
    let app () =
        TinoApp.Empty
            .WithOptions(TinoOptions(Limits = limits, MaxNestingDepth = 64))
            .WithCommand("count", Func<byte[], byte[], byte[], byte[], int>(fun a b c d -> a.Length + b.Length + c.Length + d.Length))
            .WithCommand("len", Func<byte[], int>(fun b -> b.Length))
            .WithCommand("depth", Func<objnull, int>(fun _ -> 1))
    let bin (n: int) = Array.append [| 0xC4uy; byte n |] (Array.zeroCreate n)
    let nested levels = Array.append (Array.create levels 0x91uy) [| 0xC0uy |]
    testSequenced <| testList "TinoServer limits at their edges" [
        test "arguments per request: the limit is accepted, one more closes" {
            withApp (app ()) (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("count", bin 1, bin 1, bin 1, bin 1))) 4 "4 arguments"
                Expect.equal (errorText (c.Call("count", bin 1, bin 1, bin 1, bin 1, bin 1))) "LIMIT_EXCEEDED \"arguments per request\"" "5 arguments"
                Expect.isTrue (c.IsClosedByServer()) "closed")
        }
        test "bytes per argument: the limit is accepted, one more closes" {
            withApp (app ()) (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("len", bin 98))) 98 "100 bytes"
                Expect.equal (errorText (c.Call("len", bin 99))) "LIMIT_EXCEEDED \"bytes per argument\"" "101 bytes"
                Expect.isTrue (c.IsClosedByServer()) "closed")
        }
        test "bytes per request: the limit is accepted, one more closes" {
            withApp (app ()) (fun server ->
                use c = connect server
                // "*5" and "$5 count" take 15 bytes; an argument of a bin of n bytes takes "$<n+2>", n + 2 and CRLF: n + 9.
                let exactly = request "count" [ bin 62; bin 62; bin 62; bin 63 ]
                Expect.equal exactly.Length 300 "the request is exactly at the limit"
                c.Send exactly
                Expect.equal (value<int> (c.ReadReply())) 249 "300 bytes"
                Expect.equal (errorText (c.Call("count", bin 62, bin 62, bin 62, bin 64))) "LIMIT_EXCEEDED \"bytes per request\"" "301 bytes"
                Expect.isTrue (c.IsClosedByServer()) "closed")
        }
        test "nesting depth: a value inside 64 arrays is accepted, inside 65 it is a VALIDATION_ERROR and the connection stays" {
            withApp (app ()) (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("depth", nested 64))) 1 "64"
                Expect.stringStarts (errorText (c.Call("depth", nested 65))) "VALIDATION_ERROR [\"command\",\"_arg1\"]" "65"
                Expect.equal (text (c.Call("PING"))) "PONG" "open")
        }
    ]
