/// The Tino client's streams (ITER / NEXT / CLOSE behind an IAsyncEnumerable) and event subscriptions.
module Tino.Tests.Streams.ClientStreamTests

open System
open System.Collections.Generic
open System.Diagnostics
open System.Net
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Client
open Tino.CSharp.TestKit
open Tino.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Client.ClientTests
open Tino.Tests.Streams.StreamTests

let wait (task: ValueTask<'T>) = task.AsTask().GetAwaiter().GetResult()

/// Reads at most `limit` items, then disposes the enumerator (which, for a stream left early, sends CLOSE).
let take (limit: int) (stream: IAsyncEnumerable<'T>) : 'T list =
    let items = ResizeArray<'T>()
    let enumerator = stream.GetAsyncEnumerator()
    try
        while items.Count < limit && wait (enumerator.MoveNextAsync()) do
            items.Add enumerator.Current
    finally
        enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult()
    List.ofSeq items

let all (stream: IAsyncEnumerable<'T>) = take Int32.MaxValue stream

let stream<'T> (client: TinoClient) (name: string) (args: TinoArg list) =
    client.StreamAsync<'T>(name, ReadOnlySpan(Array.ofList args))

let withStreamClient (options: TinoClientOptions) (body: Streams -> TinoServer -> TinoClient -> unit) =
    withStreams None (fun probe server ->
        let client = connectTo server options
        try body probe server client
        finally client.DisposeAsync().AsTask().Wait())

/// Publishes `sentinel` until a subscriber has it (the subscription is confirmed), then each of `values`.
let publishOnceSubscribed (server: TinoServer) (channel: string) (sentinel: 'T) (values: 'T list) =
    let watch = Stopwatch.StartNew()
    while server.Publisher.Publish(channel, sentinel) = 0 && watch.Elapsed < TimeSpan.FromSeconds 10.0 do
        Thread.Sleep 5
    for v in values do
        server.Publisher.Publish(channel, v) |> ignore

[<Tests>]
let clientStreams =
    testSequenced <| testList "TinoClient streams" [
        test "StreamAsync reads a stream to its end, short or long" {
            withStreamClient TinoClientOptions.Default (fun _ _ client ->
                Expect.equal (all (stream<int> client "range" [ arg 3 ])) [ 0; 1; 2 ] "one round trip"
                Expect.equal (all (stream<int> client "range" [ arg 0 ])) [] "empty"
                Expect.equal (all (stream<int> client "range" [ arg 100_000 ])) [ 0 .. 99_999 ] "a hundred thousand, in order"
                Expect.equal (all (stream<int> client "later" [ arg 5 ])) [ 0 .. 4 ] "a task of a stream")
        }
        test "each enumeration calls the command again" {
            withStreamClient TinoClientOptions.Default (fun _ _ client ->
                let range = stream<int> client "range" [ arg 200 ]
                Expect.equal (all range) (all range) "twice the same")
        }
        test "items decode to records; StreamRawAsync gives each item's MessagePack" {
            withStreamClient TinoClientOptions.Default (fun _ _ client ->
                Expect.equal (all (stream<Streams.Point> client "points" [ arg 2 ])) [ Streams.Point(0, 0); Streams.Point(1, -1) ] "records"
                let raw = all (client.StreamRawAsync("range", [| ReadOnlyMemory(mp 2) |]))
                Expect.equal (raw |> List.map _.ToArray()) [ [| 0uy |]; [| 1uy |] ] "raw")
        }
        test "leaving a stream early sends CLOSE: the producer's token fires and the connection goes on" {
            withStreamClient TinoClientOptions.Default (fun probe _ client ->
                Expect.equal (take 10 (stream<int64> client "forever" [])) [ 0L .. 9L ] "the first ten"
                cancelled probe "CLOSE fired the token"
                Expect.equal (await (call<int> client "plain" [])) 1 "calls go on"
                Expect.equal (all (stream<int> client "range" [ arg 300 ])).Length 300 "and streams")
        }
        test "cancelling the enumeration ends it with OperationCanceledException and closes the cursor" {
            withStreamClient TinoClientOptions.Default (fun probe _ client ->
                use cancel = new CancellationTokenSource()
                let enumerator = (stream<int> client "slow" [ arg 100; arg 1000 ]).GetAsyncEnumerator(cancel.Token)
                let moving = enumerator.MoveNextAsync().AsTask()
                cancel.CancelAfter 100
                Throws.Of<OperationCanceledException>(moving) |> ignore
                enumerator.DisposeAsync().AsTask().Wait()
                cancelled probe "the producer was cancelled")
        }
        test "a token given to StreamAsync cancels its enumerations too" {
            withStreamClient TinoClientOptions.Default (fun probe _ client ->
                use cancel = new CancellationTokenSource()
                let ticking = client.StreamAsync<int>("slow", cancel.Token, ReadOnlySpan [| arg 100; arg 20 |])
                let reading = Task.Run(fun () -> take 1000 ticking)
                Thread.Sleep 100
                cancel.Cancel()
                Throws.Of<OperationCanceledException>(reading) |> ignore
                cancelled probe "the cursor was closed")
        }
        test "errors: the producer's after its items, the call's at once" {
            withStreamClient TinoClientOptions.Default (fun _ _ client ->
                let seen = ResizeArray<int>()
                let error =
                    Throws.Of<TinoRemoteException>(task {
                        let enumerator = (stream<int> client "fail_after" [ arg 200 ]).GetAsyncEnumerator()
                        let! more = enumerator.MoveNextAsync()
                        let mutable more = more
                        while more do
                            seen.Add enumerator.Current
                            let! next = enumerator.MoveNextAsync()
                            more <- next
                    })
                Expect.equal (error.Code, error.Message) ("BROKEN", "failed after 200") "the producer's error"
                Expect.equal (List.ofSeq seen) [ 0 .. 199 ] "after every item it made"
                Throws.Of<TinoCommandNotFoundException>(task { return all (stream<int> client "plain" []) }) |> ignore
                Throws.Of<TinoPermissionException>(task { return all (stream<string> client "secret_range" [ arg 1 ]) }) |> ignore
                Throws.Of<TinoArgumentException>(task { return all (stream<int> client "range" []) }) |> ignore
                Expect.equal (await (call<int> client "plain" [])) 1 "the connection goes on")
        }
        test "a stream whose server shuts down ends with TinoConnectionException, the server's SHUTTING_DOWN inside" {
            withStreamClient TinoClientOptions.Default (fun _ server client ->
                let items = (stream<int> client "range" [ arg 1_000_000 ]).GetAsyncEnumerator()
                Expect.isTrue (wait (items.MoveNextAsync())) "the stream started"
                // A call still running keeps the connection open through the drain, so the stream's next NEXT is
                // read after the server began to stop: refused with SHUTTING_DOWN rather than cut off.
                let running = (stream<int> client "slow" [ arg 1; arg 1500 ]).GetAsyncEnumerator().MoveNextAsync().AsTask()
                Thread.Sleep 100
                let stopping = server.StopAsync()
                Thread.Sleep 200
                let ended =
                    try
                        while wait (items.MoveNextAsync()) do ()
                        None
                    with error -> Some error
                match ended with
                | Some (:? TinoConnectionException as lost) ->
                    match lost.InnerException with
                    | :? TinoRemoteException as refused -> Expect.equal refused.Code "SHUTTING_DOWN" "the server's reply, inside"
                    | inner -> failtest $"expected the server's SHUTTING_DOWN inside, got {inner}"
                | other -> failtest $"expected TinoConnectionException, got {other}"
                running.ContinueWith(fun (_: Task<bool>) -> ()).Wait(TimeSpan.FromSeconds 10.0) |> ignore
                stopping.Wait(TimeSpan.FromSeconds 10.0) |> ignore)
        }
        test "streams, with one NEXT in flight or eight, and batches of 1 or 1000, read the same items" {
            for inFlight, batch in [ 1, 1; 8, 1000; 3, 7 ] do
                withStreamClient (TinoClientOptions(StreamRequestsInFlight = inFlight, StreamBatchSize = batch)) (fun _ _ client ->
                    Expect.equal (all (stream<int> client "range" [ arg 1000 ])) [ 0 .. 999 ] $"{inFlight} in flight, batch {batch}")
        }
        test "twenty streams read at once on one client, between calls, each get their own items" {
            withStreamClient TinoClientOptions.Default (fun _ _ client ->
                let readers =
                    [ for i in 1..20 -> Task.Run(fun () -> all (stream<int> client "range" [ arg (500 + i) ]), await (call<int> client "plain" [])) ]
                for i, reader in List.indexed readers do
                    let items, plain = reader.Result
                    Expect.equal items [ 0 .. 500 + i ] $"stream {i + 1}"
                    Expect.equal plain 1 "the call between")
        }
        test "a client with credentials streams a command that needs auth" {
            withStreams None (fun _ server ->
                let client = connectTo server (TinoClientOptions(Password = "tinaspassword"))
                try Expect.equal (all (stream<string> client "secret_range" [ arg 2 ])) [ "tina 0"; "tina 1" ] "authenticated"
                finally client.DisposeAsync().AsTask().Wait())
        }
    ]

[<Tests>]
let clientEvents =
    testSequenced <| testList "TinoClient subscriptions" [
        test "SubscribeAsync yields each event of the channel, typed" {
            withStreamClient TinoClientOptions.Default (fun _ server client ->
                let reading = Task.Run(fun () -> take 4 (client.SubscribeAsync<int>("counts")))
                publishOnceSubscribed server "counts" 0 [ 1; 2; 3 ]
                let received = reading.Result |> List.filter (fun v -> v <> 0)
                Expect.equal received [ 1; 2; 3 ] "in order"
                Expect.equal (await (call<int> client "plain" [])) 1 "calls keep their own connection")
        }
        test "SubscribePatternAsync yields events of every matching channel with the channel" {
            withStreamClient TinoClientOptions.Default (fun _ server client ->
                let reading = Task.Run(fun () -> take 3 (client.SubscribePatternAsync<string>("news.*")))
                publishOnceSubscribed server "news.probe" "probe" []
                server.Publisher.Publish("news.eu", "rain") |> ignore
                server.Publisher.Publish("weather", "ignored") |> ignore
                server.Publisher.Publish("news.us", "sun") |> ignore
                let received = reading.Result |> List.filter (fun e -> e.Value <> "probe")
                Expect.equal received [ TinoEvent("news.eu", "news.*", "rain"); TinoEvent("news.us", "news.*", "sun") ] "channel, pattern, value")
        }
        test "two readers of one channel both receive; the server is unsubscribed once the last leaves" {
            withStreamClient TinoClientOptions.Default (fun _ server client ->
                let first = Task.Run(fun () -> take 2 (client.SubscribeAsync<int>("shared")))
                let second = Task.Run(fun () -> take 2 (client.SubscribeAsync<int>("shared")))
                Thread.Sleep 100
                publishOnceSubscribed server "shared" 7 [ 7 ]
                Expect.equal first.Result [ 7; 7 ] "the first"
                Expect.equal second.Result [ 7; 7 ] "the second"
                let watch = Stopwatch.StartNew()
                while server.Publisher.Publish("shared", 0) > 0 && watch.Elapsed < TimeSpan.FromSeconds 10.0 do
                    Thread.Sleep 5
                Expect.equal (server.Publisher.Publish("shared", 0)) 0 "UNSUBSCRIBE reached the server")
        }
        test "a channel that needs auth: refused without credentials, received with them" {
            let probe = Streams()
            let app = probe.Build(fun _ -> TinoOptions(Events = EventOptions(AuthRequiredChannels = Collections.Immutable.ImmutableArray.Create "secret")))
            withApp app (fun server ->
                let anonymous = connectTo server TinoClientOptions.Default
                let tina = connectTo server (TinoClientOptions(Password = "tinaspassword"))
                try
                    Throws.Of<TinoPermissionException>(task { return take 1 (anonymous.SubscribeAsync<int>("secret")) }) |> ignore
                    let reading = Task.Run(fun () -> take 1 (tina.SubscribeAsync<int>("secret")))
                    publishOnceSubscribed server "secret" 42 []
                    Expect.equal reading.Result [ 42 ] "authenticated"
                finally
                    anonymous.DisposeAsync().AsTask().Wait()
                    tina.DisposeAsync().AsTask().Wait())
        }
        test "disposing the client ends its subscriptions with TinoConnectionException" {
            withStreams None (fun _ server ->
                let client = connectTo server TinoClientOptions.Default
                let reading = Task.Run(fun () -> take 10 (client.SubscribeAsync<int>("gone")))
                publishOnceSubscribed server "gone" 1 []
                client.DisposeAsync().AsTask().Wait()
                Throws.Of<TinoConnectionException>(reading) |> ignore)
        }
    ]
