/// Streams and events in `tino { }`: `seq { }` and `Stream.create` as stream commands, `Publisher` as a parameter,
/// and the builder's stream and event options.
module Tino.Tests.FSharp.StreamBuilderTests

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.FSharp
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Streams.StreamTests
open Tino.Tests.Streams.EventTests

type Item = { id: int; name: string }

/// The app, and a semaphore released each time a `ticks` producer's cancellation token fires.
let streamsApp () =
    let cancelled = new SemaphoreSlim(0)
    let ticks (n: int) (ms: int) (cancellation: CancellationToken) =
        Stream.create (fun emit ->
            task {
                use _ = cancellation.Register(fun () -> cancelled.Release() |> ignore)
                for i in 1..n do
                    do! Task.Delay(ms, cancellation)
                    do! emit i
            })
    let app =
        tino {
            auth (fun password -> if password = "tinaspassword" then Some "tina" else None)
            command "numbers" (fun (n: int) -> seq { 1..n })
            command "items" (fun (n: int) -> seq { for i in 1..n -> { id = i; name = $"n{i}" } })
            command "maybe" (fun () -> seq { Some 1; None })
            command "seq_fail" (fun () -> seq { yield 1; failwith "the secret cause" })
            command "ticks" ticks
            command "produced_fail" (fun () ->
                Stream.create (fun emit ->
                    task {
                        do! emit 1
                        raise (TinoException("BROKEN", "no more"))
                    }))
            command "later" (fun (n: int) ->
                task {
                    do! Task.Delay 10
                    return Stream.ofSeq [ 1..n ]
                })
            command "secret_numbers" (fun (auth: AuthRequired<string>) (n: int) -> seq { for i in 1..n -> $"{auth.Value} {i}" })
            command "announce" (fun (channel: string) (text: string) (events: Publisher) -> events.Publish(channel, text))
            stream_options (StreamOptions(MaxOpenCursors = 2))
            auth_required_channels [ "secret.*" ]
        }
    app, cancelled

[<Tests>]
let fsharpStreams =
    testSequenced <| testList "F# streams and events" [
        test "seq { } is a stream command: an array plainly, batches through ITER" {
            withApp (fst (streamsApp ())) (fun server ->
                use c = connect server
                Expect.equal (ints (List.ofSeq (c.Call("numbers", mp 3)).Items)) [ 1; 2; 3 ] "plainly"
                let items, _ = readAll c 50 (iter c "numbers" [ mp 200 ])
                Expect.equal (ints items) [ 1..200 ] "through ITER"
                let first = value<Collections.Generic.Dictionary<string, objnull>> (c.Call("items", mp 1)).Items[0]
                Expect.equal (first["id"], first["name"]) (box 1uy, box "n1") "F# records as maps"
                Expect.equal ((c.Call("maybe")).Items |> Seq.map (fun r -> r.Bytes.ToArray()) |> List.ofSeq) [ [| 1uy |]; [| 0xC0uy |] ] "options: the value or nil"
                Expect.equal (ints (List.ofSeq (c.Call("later", mp 2)).Items)) [ 1; 2 ] "a task of a stream")
        }
        test "a seq that throws: plainly the error; through ITER its items, then the error" {
            withApp (fst (streamsApp ())) (fun server ->
                use c = connect server
                let plain = errorText (c.Call("seq_fail"))
                Expect.stringStarts plain "UNEXPECTED_ERROR" "plainly"
                Expect.isFalse (plain.Contains "secret") "hidden"
                let cursor, items = batchOf (iter c "seq_fail" [])
                Expect.equal (ints items) [ 1 ] "the item before the error"
                expectErrorStarts "UNEXPECTED_ERROR" (next c cursor 10)
                Expect.equal (errorText (next c cursor 10)) $"INVALID_CURSOR {cursor}" "then the cursor is gone")
        }
        test "Stream.create: items as the task emits them; CLOSE cancels the task's token; its error ends the stream" {
            let app, cancelled = streamsApp ()
            withApp app (fun server ->
                use c = connect server
                let items, _ = readAll c 10 (iter c "ticks" [ mp 3; mp 5 ])
                Expect.equal (ints items) [ 1; 2; 3 ] "every tick"
                let cursor, _ = batchOf (iter c "ticks" [ mp 1000; mp 50 ])
                Expect.equal (text (c.Call("CLOSE", ascii cursor))) "OK" "closed"
                signalled cancelled "the producer's token fired"
                let failing, first = batchOf (iter c "produced_fail" [])
                let rest = if failing = "0" then errorText (iter c "produced_fail" []) else errorText (next c failing 10)
                Expect.equal (ints first) [ 1 ] "the item before the error"
                Expect.equal rest "BROKEN \"no more\"" "then the error")
        }
        test "auth applies to an F# stream; stream_options limit the open cursors" {
            withApp (fst (streamsApp ())) (fun server ->
                use c = connect server
                Expect.equal (errorText (iter c "secret_numbers" [ mp 1 ])) notAuthenticated "auth first"
                c.Call("AUTH", ascii "tinaspassword") |> ignore
                Expect.equal (batchOf (iter c "secret_numbers" [ mp 1 ]) |> snd |> List.map value<string>) [ "tina 1" ] "then served"
                for _ in 1..2 do
                    batchOf (iter c "ticks" [ mp 100; mp 20 ]) |> ignore
                Expect.equal (errorText (iter c "ticks" [ mp 1; mp 1 ])) "LIMIT_EXCEEDED \"open cursors\"" "two at most")
        }
        test "a handler publishes through its Publisher parameter; auth_required_channels protects a channel" {
            withApp (fst (streamsApp ())) (fun server ->
                use subscriber = connect server
                use caller = connect server
                Expect.equal (errorText (subscriber.Call("SUBSCRIBE", ascii "secret.plans"))) notAuthenticated "protected"
                subscriber.Call("SUBSCRIBE", ascii "news") |> ignore
                Expect.equal (value<int> (caller.Call("announce", mp "news", mp "hello"))) 1 "one subscriber reached"
                Expect.equal (frame (subscriber.ReadReply())) [ "message"; "news"; msgpackText "hello" ] "received")
        }
    ]
