/// Stream commands over a raw socket (PROTOCOL.md section 6): plain calls, ITER / NEXT / CLOSE, errors and limits.
module Tino.Tests.Streams.StreamTests

open System
open System.Diagnostics
open System.Threading
open Expecto
open Tino
open Tino.CSharp.TestKit
open Tino.Protocol
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// Runs `body` against a fresh server of the C# stream app, with `options` (None: the defaults), on a server with the
/// host options `host`.
let withStreamsOn (host: Tino.Hosting.TinoHostOptions) (options: TinoOptions option) (body: Streams -> Tino.Hosting.TinoServer -> unit) =
    let probe = Streams()
    let configure = Func<TinoOptions, TinoOptions>(fun defaults -> defaultArg options defaults)
    withHostOptions host (probe.Build configure) (body probe)

/// Runs `body` against a fresh server of the C# stream app, with `options` (None: the defaults).
let withStreams (options: TinoOptions option) (body: Streams -> Tino.Hosting.TinoServer -> unit) =
    withStreamsOn Tino.Hosting.TinoHostOptions.Default options body

let streamOptions (streams: StreamOptions) = Some(TinoOptions(Streams = streams))

/// The cursor and items of an ITER or NEXT reply.
let batchOf (reply: RespReply) : string * RespReply list =
    if reply.Kind <> RespReplyKind.Array || reply.Items.Count <> 2 then
        failwithf "expected [cursor, items], got %O" reply
    text reply.Items[0], List.ofSeq reply.Items[1].Items

let ints (items: RespReply list) = items |> List.map value<int>

let iter (c: RespConnection) (command: string) (args: byte[] list) = c.Call("ITER", Array.ofList (ascii command :: args))

let next (c: RespConnection) (cursor: string) (count: int) = c.Call("NEXT", ascii cursor, ascii (string count))

/// Reads a cursor to its end with NEXT `count`, from the ITER reply `first`: every item and the number of replies.
let readAll (c: RespConnection) (count: int) (first: RespReply) =
    let rec loop (cursor, items) acc replies =
        if cursor = "0" then acc @ items, replies
        else loop (batchOf (next c cursor count)) (acc @ items) (replies + 1)
    loop (batchOf first) [] 1

/// Waits (bounded) for a producer's signal.
let signalled (semaphore: SemaphoreSlim) what =
    Expect.isTrue (semaphore.Wait(TimeSpan.FromSeconds 10.0)) what

/// Waits for a producer's token to fire; a failure lists what the producers did, in order.
let cancelled (probe: Streams) what =
    let fired = probe.Cancelled.Wait(TimeSpan.FromSeconds 10.0)
    Expect.isTrue fired $"""{what} (producer events: {String.Join(", ", probe.Events)})"""

[<Tests>]
let plain =
    testSequenced <| testList "Streams called plainly" [
        test "a stream command called plainly replies an array of MessagePack bulk strings" {
            withStreams None (fun _ server ->
                use c = connect server
                let reply = c.Call("range", mp 5)
                Expect.equal reply.Kind RespReplyKind.Array "an array"
                Expect.equal (ints (List.ofSeq reply.Items)) [ 0; 1; 2; 3; 4 ] "every item, in order"
                Expect.equal (c.Call("range", mp 0)).Kind RespReplyKind.Array "an empty stream is an empty array"
                Expect.equal (c.Call("range", mp 0)).Items.Count 0 "*0")
        }
        test "a task of a stream, record items, and bin items are served the same way" {
            withStreams None (fun _ server ->
                use c = connect server
                Expect.equal (ints (List.ofSeq (c.Call("later", mp 3)).Items)) [ 0; 1; 2 ] "Task<IAsyncEnumerable<int>>"
                let point = value<Collections.Generic.Dictionary<string, int>> (c.Call("points", mp 2)).Items[1]
                Expect.equal (point["x"], point["y"]) (1, -1) "a record as a map (the assembly names members camelCase)"
                Expect.equal (value<byte[]> (c.Call("blobs", mp 1, mp 3)).Items[0]) [| 0uy; 0uy; 0uy |] "bin")
        }
        test "past the plain reply limit the call replies STREAM_TOO_LARGE and the connection stays open" {
            withStreams (streamOptions (StreamOptions(MaxPlainReplyBytes = 10_000L))) (fun _ server ->
                use c = connect server
                Expect.equal (c.Call("blobs", mp 9, mp 1000)).Items.Count 9 "under the limit"
                Expect.equal (errorText (c.Call("blobs", mp 11, mp 1000))) "STREAM_TOO_LARGE" "over it"
                Expect.equal (errorText (c.Call("forever"))) "STREAM_TOO_LARGE" "an endless stream stops at the limit"
                Expect.equal (c.Call("range", mp 2)).Items.Count 2 "still serving")
        }
        test "a producer that throws replies its error, with nothing of the items before it" {
            withStreams None (fun _ server ->
                use c = connect server
                Expect.equal (errorText (c.Call("fail_after", mp 3))) "BROKEN \"failed after 3\"" "typed error"
                let crash = errorText (c.Call("crash_after", mp 3))
                Expect.stringStarts crash "UNEXPECTED_ERROR" "ordinary exception"
                Expect.isFalse (crash.Contains "secret") "its message hidden"
                Expect.equal (errorText (c.Call("fail_now", mp 0))) "REFUSED \"no stream for you\"" "the handler itself threw")
        }
        test "argument and auth errors are those of any call" {
            withStreams None (fun _ server ->
                use c = connect server
                Expect.equal (errorText (c.Call("range"))) "NUM_ARG_MISMATCH expected 1 got 0" "count"
                expectErrorStarts """VALIDATION_ERROR ["command","n"] """ (c.Call("range", mp "x"))
                Expect.equal (errorText (c.Call("secret_range", mp 1))) notAuthenticated "auth")
        }
    ]

[<Tests>]
let cursors =
    testSequenced <| testList "Streams through ITER and NEXT" [
        test "ITER of a short stream replies cursor 0 and every item in one reply" {
            withStreams None (fun _ server ->
                use c = connect server
                let cursor, items = batchOf (iter c "range" [ mp 3 ])
                Expect.equal (cursor, ints items) ("0", [ 0; 1; 2 ]) "ended at once"
                Expect.equal (batchOf (iter c "range" [ mp 0 ])) ("0", []) "an empty stream")
        }
        test "the exact bytes of ITER range 2" {
            withStreams None (fun _ server ->
                use c = connect server
                c.Send(request "ITER" [ ascii "range"; mp 2 ])
                let reply = c.ReadReply()
                Expect.equal (reply.ToString()) "[\"0\", [\"\\x00\", \"\\x01\"]]" "*2 $1 0 *2 $1 \\x00 $1 \\x01")
        }
        test "a long stream comes in batches: 64 first, then at most count per NEXT, until cursor 0" {
            withStreams None (fun _ server ->
                use c = connect server
                let first = iter c "range" [ mp 1000 ]
                let cursor, items = batchOf first
                Expect.notEqual cursor "0" "a cursor"
                Expect.equal (ints items) [ 0 .. 63 ] "the first batch is the default 64"
                let all, _ = readAll c 100 first
                Expect.equal (ints all) [ 0 .. 999 ] "every item once, in order"
                let onesCursor, _ = batchOf (iter c "range" [ mp 100 ])
                let _, one = batchOf (next c onesCursor 1)
                Expect.equal (ints one) [ 64 ] "count 1"
                let _, rest = batchOf (c.Call("NEXT", ascii onesCursor))
                Expect.isLessThanOrEqual rest.Length 64 "the default count is 64")
        }
        test "NEXT may be pipelined: the replies come in order and continue each other" {
            withStreams None (fun _ server ->
                use c = connect server
                let cursor, first = batchOf (iter c "range" [ mp 500 ])
                c.Send(Array.concat [ for _ in 1..5 -> request "NEXT" [ ascii cursor; ascii "10" ] ])
                let batches = [ for _ in 1..5 -> snd (batchOf (c.ReadReply())) ]
                let seen = ints (first @ List.concat batches)
                Expect.equal seen [ 0 .. seen.Length - 1 ] "contiguous")
        }
        test "a count that is not a positive integer replies VALIDATION_ERROR at [command, count]" {
            withStreams None (fun _ server ->
                use c = connect server
                let cursor, _ = batchOf (iter c "range" [ mp 1000 ])
                for count in [ "0"; "-1"; "abc"; ""; "99999999999" ] do
                    Expect.equal (errorText (c.Call("NEXT", ascii cursor, ascii count)))
                        "VALIDATION_ERROR [\"command\",\"count\"] \"count must be a positive integer\" \"int32\"" $"count '{count}'"
                let _, items = batchOf (next c cursor 1)
                Expect.equal items.Length 1 "the cursor is still open")
        }
        test "ITER of a command that does not stream, or of none, replies INVALID_COMMAND" {
            withStreams None (fun _ server ->
                use c = connect server
                Expect.equal (errorText (iter c "plain" [])) "INVALID_COMMAND plain" "not a stream"
                Expect.equal (errorText (iter c "nope" [])) "INVALID_COMMAND nope" "unknown"
                Expect.equal (errorText (c.Call("ITER"))) "ERR wrong number of arguments for 'iter' command" "no name"
                Expect.equal (errorText (c.Call("NEXT"))) "ERR wrong number of arguments for 'next' command" "no cursor"
                Expect.equal (errorText (c.Call("CLOSE"))) "ERR wrong number of arguments for 'close' command" "no cursor")
        }
        test "ITER checks arguments and auth exactly as a plain call" {
            withStreams None (fun _ server ->
                use c = connect server
                Expect.equal (errorText (iter c "range" [])) "NUM_ARG_MISMATCH expected 1 got 0" "count"
                expectErrorStarts """VALIDATION_ERROR ["command","n"] """ (iter c "range" [ mp "x" ])
                expectErrorStarts """INVALID_MSGPACK ["command","n"] """ (iter c "range" [ [| 0xC1uy |] ])
                Expect.equal (errorText (iter c "secret_range" [ mp 2 ])) notAuthenticated "auth first"
                Expect.equal (text (c.Call("AUTH", ascii "tinaspassword"))) "OK" "auth"
                let cursor, items = batchOf (iter c "secret_range" [ mp 2 ])
                Expect.equal (cursor, items |> List.map value<string>) ("0", [ "tina 0"; "tina 1" ]) "the auth value reached the stream")
        }
        test "a producer that throws: its items come first, then NEXT replies the error and the cursor is gone" {
            withStreams None (fun _ server ->
                use c = connect server
                let first = iter c "fail_after" [ mp 3 ]
                let cursor, items = batchOf first
                Expect.equal (ints items) [ 0; 1; 2 ] "the items made before the error"
                Expect.equal (errorText (next c cursor 10)) "BROKEN \"failed after 3\"" "then the error"
                Expect.equal (errorText (next c cursor 10)) $"INVALID_CURSOR {cursor}" "the cursor ended"
                let crashCursor, _ = batchOf (iter c "crash_after" [ mp 1 ])
                let crash = errorText (next c crashCursor 10)
                Expect.stringStarts crash "UNEXPECTED_ERROR \"unexpected error (error id " "hidden message"
                Expect.equal (errorText (iter c "fail_now" [ mp 0 ])) "REFUSED \"no stream for you\"" "a handler that throws before streaming")
        }
        test "CLOSE replies OK, fires the producer's cancellation token, and ends the cursor" {
            withStreams None (fun probe server ->
                use c = connect server
                let cursor, _ = batchOf (iter c "forever" [])
                Expect.equal (text (c.Call("CLOSE", ascii cursor))) "OK" "closed"
                cancelled probe "the token fired"
                signalled probe.Ended "the producer was disposed"
                Expect.equal (errorText (next c cursor 1)) $"INVALID_CURSOR {cursor}" "NEXT after CLOSE"
                Expect.equal (errorText (c.Call("CLOSE", ascii cursor))) $"INVALID_CURSOR {cursor}" "CLOSE again"
                Expect.equal (errorText (c.Call("CLOSE", ascii "nope\r\n"))) "INVALID_CURSOR nope  " "an unknown cursor, sanitised"
                Expect.equal (errorText (next c "0" 1)) "INVALID_CURSOR 0" "cursor 0 is never open")
        }
        test "a cursor that ended is gone: NEXT on it replies INVALID_CURSOR" {
            withStreams None (fun _ server ->
                use c = connect server
                let cursor, _ = batchOf (iter c "range" [ mp 100 ])
                let last, _ = batchOf (next c cursor 1000)
                Expect.equal last "0" "ended"
                Expect.equal (errorText (next c cursor 1)) $"INVALID_CURSOR {cursor}" "gone")
        }
        test "cursors belong to their connection and end with it" {
            withStreams None (fun probe server ->
                use other = connect server
                let c = connect server
                let cursor, _ = batchOf (iter c "forever" [])
                Expect.equal (errorText (next other cursor 1)) $"INVALID_CURSOR {cursor}" "not another connection's"
                (c :> IDisposable).Dispose()
                cancelled probe "the producer's token fired when its connection closed"
                signalled probe.Ended "and it was disposed")
        }
        test "stopping the server fires the token of an open cursor" {
            let probe = Streams()
            let server = (startServer (probe.Build())).GetAwaiter().GetResult()
            use c = connect server
            batchOf (iter c "forever" []) |> ignore
            server.StopAsync().GetAwaiter().GetResult()
            cancelled probe "the token fired on stop"
        }
        test "a producer that waits: NEXT replies an empty batch after the poll timeout, then the items" {
            withStreams (streamOptions (StreamOptions(PollTimeout = TimeSpan.FromMilliseconds 100.0))) (fun _ server ->
                use c = connect server
                let watch = Stopwatch.StartNew()
                let cursor, items = batchOf (iter c "slow" [ mp 2; mp 400 ])
                Expect.equal (items, watch.ElapsedMilliseconds < 350L) ([], true) "ITER waited at most about the poll timeout"
                let rec drain acc tries =
                    let at, got = batchOf (next c cursor 10)
                    if at = "0" || tries > 50 then acc @ got else drain (acc @ got) (tries + 1)
                Expect.equal (ints (drain [] 0)) [ 0; 1 ] "the items came later")
        }
        test "ITER of a producer that is asynchronous from the start waits for its first item" {
            withStreams None (fun _ server ->
                use c = connect server
                let watch = Stopwatch.StartNew()
                let _, items = batchOf (iter c "slow" [ mp 1; mp 50 ])
                Expect.equal (ints items) [ 0 ] "the first item is in ITER's reply"
                Expect.isLessThan watch.ElapsedMilliseconds 900L "well before the poll timeout")
        }
        test "a cursor unread for its idle lifetime is closed and its producer cancelled" {
            withStreams (streamOptions (StreamOptions(CursorIdleTimeout = TimeSpan.FromMilliseconds 150.0))) (fun probe server ->
                use c = connect server
                let cursor, _ = batchOf (iter c "forever" [])
                cancelled probe "expired"
                Expect.equal (errorText (next c cursor 1)) $"INVALID_CURSOR {cursor}" "gone")
        }
        test "the producer runs at most the read-ahead past what was read" {
            withStreams (streamOptions (StreamOptions(ReadAhead = 4))) (fun probe server ->
                use c = connect server
                let cursor, first = batchOf (iter c "forever" [])
                Thread.Sleep 200
                let ahead = probe.Produced - int64 first.Length
                Expect.isLessThanOrEqual ahead 5L "4 queued and one in hand"
                let _, more = batchOf (next c cursor 100)
                Expect.isLessThanOrEqual more.Length 5 "a batch takes what is ready"
                Expect.isGreaterThan more.Length 0 "which is something")
        }
        test "the open-cursor limit replies LIMIT_EXCEEDED \"open cursors\" and the connection stays open" {
            withStreams (streamOptions (StreamOptions(MaxOpenCursors = 3))) (fun _ server ->
                use c = connect server
                let opened = [ for _ in 1..3 -> fst (batchOf (iter c "forever" [])) ]
                Expect.equal (errorText (iter c "forever" [])) "LIMIT_EXCEEDED \"open cursors\"" "the fourth"
                Expect.equal (ints (List.ofSeq (c.Call("range", mp 2)).Items)) [ 0; 1 ] "still open"
                Expect.equal (errorText (iter c "range" [ mp 1 ])) "LIMIT_EXCEEDED \"open cursors\"" "any ITER, even of a stream that would end at once"
                c.Call("CLOSE", ascii opened.Head) |> ignore
                Expect.notEqual (fst (batchOf (iter c "forever" []))) "0" "a closed cursor frees its place")
        }
        test "the 65th cursor of a connection is refused by default" {
            withStreams None (fun _ server ->
                use c = connect server
                for _ in 1..64 do
                    batchOf (iter c "forever" []) |> ignore
                Expect.equal (errorText (iter c "forever" [])) "LIMIT_EXCEEDED \"open cursors\"" "65th")
        }
        test "100 cursors open on one connection are each read to the end, interleaved" {
            withStreams (streamOptions (StreamOptions(MaxOpenCursors = 100))) (fun _ server ->
                use c = connect server
                let opened = [ for i in 0..99 -> batchOf (iter c "range" [ mp (100 + i) ]) ]
                let mutable state = opened |> List.map (fun (cursor, items) -> cursor, ints items)
                let mutable rounds = 0
                while state |> List.exists (fun (cursor, _) -> cursor <> "0") && rounds < 100 do
                    rounds <- rounds + 1
                    state <-
                        state
                        |> List.map (fun (cursor, got) ->
                            if cursor = "0" then cursor, got
                            else
                                let at, items = batchOf (next c cursor 7)
                                at, got @ ints items)
                state |> List.iteri (fun i (_, got) -> Expect.equal got [ 0 .. 99 + i ] $"cursor {i}")
                Expect.equal (ints (List.ofSeq (c.Call("range", mp 1)).Items)) [ 0 ] "the connection still serves")
        }
        test "with overlapping calls, ITER and plain calls still reply in request order" {
            withStreams (Some(TinoOptions(MaxConcurrentCallsPerConnection = 8))) (fun _ server ->
                use c = connect server
                c.Send(Array.concat [ request "later" [ mp 2 ]; request "ITER" [ ascii "later"; mp 3 ]; request "range" [ mp 1 ] ])
                Expect.equal (ints (List.ofSeq (c.ReadReply()).Items)) [ 0; 1 ] "first"
                Expect.equal (batchOf (c.ReadReply()) |> fun (at, items) -> at, ints items) ("0", [ 0; 1; 2 ]) "second"
                Expect.equal (ints (List.ofSeq (c.ReadReply()).Items)) [ 0 ] "third")
        }
    ]
