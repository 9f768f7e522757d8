/// Streams and events of both interop servers through real Redis clients: redis-py reading a stream with raw
/// ITER / NEXT and an event channel with its own pub/sub (the README's script), StackExchange.Redis's subscriber API.
module Tino.Tests.Interop.StreamRealClientTests

// StackExchange.Redis annotates Execute's arguments in a way F# nullness cannot meet exactly.
#nowarn "3261"

open System
open System.Collections.Concurrent
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open StackExchange.Redis
open Tino
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.FSharp.InteropServerTests

/// What samples/redis-py/streams_and_events.py prints against an interop server.
let expectedFromScript =
    [ "range: 300 items, [0, 1, 2] ... 299"
      "first batch: 64 items; close: b'OK'"
      "reached: 1"
      "reached: 1"
      "message news hello"
      "pmessage news.eu 42" ]

let private waitFor (condition: unit -> bool) =
    let watch = Stopwatch.StartNew()
    while not (condition ()) && watch.Elapsed < TimeSpan.FromSeconds 10.0 do
        Thread.Sleep 10
    condition ()

let private clients (label: string) (create: unit -> TinoApp) =
    [ test $"redis-py reads a stream with ITER and NEXT, and events with its pub/sub ({label})" {
          pythonClients.Force()
          withApp (create ()) (fun server ->
              let script = Path.Combine(AppContext.BaseDirectory, "streams_and_events.py")
              let code, out, err = run "/usr/bin/python3" [ script; string (portOf server) ] (TimeSpan.FromSeconds 60.0)
              Expect.equal code 0 $"the script ran: {err}"
              Expect.equal (out.Split('\n', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray) expectedFromScript "its output")
      }
      test $"the Tino client reads range and receives notify's events ({label})" {
          withApp (create ()) (fun server ->
              let client = Tino.Tests.Client.ClientTests.connectTo server Client.TinoClientOptions.Default
              try
                  let range = client.StreamAsync<int>("range", ReadOnlySpan [| Client.TinoArg.op_Implicit 1000 |])
                  Expect.equal (Tino.Tests.Streams.ClientStreamTests.all range) [ 0..999 ] "range"
                  let reading = Tasks.Task.Run(fun () -> Tino.Tests.Streams.ClientStreamTests.take 2 (client.SubscribeAsync<string>("news")))
                  let notify (v: string) = client.CallAsync<int>("notify", ReadOnlySpan [| Client.TinoArg.op_Implicit "news"; Client.TinoArg.op_Implicit v |]).AsTask().Result
                  let watch = Stopwatch.StartNew()
                  while notify "probe" = 0 && watch.Elapsed < TimeSpan.FromSeconds 10.0 do
                      Thread.Sleep 5
                  notify "hello" |> ignore
                  Expect.equal reading.Result [ "probe"; "hello" ] "the probe that was delivered, then the event"
              finally
                  client.DisposeAsync().AsTask().Wait())
      }
      test $"StackExchange.Redis's subscriber API receives notify's events, by channel and by pattern ({label})" {
          withApp (create ()) (fun server ->
              use redis = ConnectionMultiplexer.Connect($"127.0.0.1:{portOf server},abortConnect=true")
              let subscriber = redis.GetSubscriber()
              let received = ConcurrentQueue<string * byte[]>()
              let handler = Action<RedisChannel, RedisValue>(fun channel value -> received.Enqueue(string channel, nonNull (RedisValue.op_Implicit value : byte[] | null)))
              subscriber.Subscribe(RedisChannel.Literal "news", handler)
              subscriber.Subscribe(RedisChannel.Pattern "news.*", handler)
              let db = redis.GetDatabase()
              Expect.equal (execute db "notify" [ mp "news"; mp "hello" ]) [| 1uy |] "one subscription reached"
              Expect.equal (execute db "notify" [ mp "news.eu"; mp 42 ]) [| 1uy |] "the pattern"
              Expect.isTrue (waitFor (fun () -> received.Count >= 2)) "both arrived"
              // StackExchange.Redis runs subscription handlers concurrently, so arrival order is not the publish order.
              Expect.equal (received |> Seq.sortBy fst |> List.ofSeq) [ "news", mp "hello"; "news.eu", mp 42 ] "the MessagePack as published"
              Expect.isTrue (subscriber.Ping() >= TimeSpan.Zero) "PING on the subscribed connection"
              subscriber.Unsubscribe(RedisChannel.Literal "news")
              Expect.isTrue (waitFor (fun () -> execute db "notify" [ mp "news"; mp 0 ] = [| 0uy |])) "unsubscribed"
              Expect.isTrue redis.IsConnected "still connected")
      } ]

[<Tests>]
let streamRealClients =
    testSequenced
    <| testList "Streams and events with real clients" (
        clients "F#" Tino.Samples.InteropServer.InteropApp.create
        @ clients "C#" Tino.Samples.InteropServer.CSharp.InteropApp.Create
    )
