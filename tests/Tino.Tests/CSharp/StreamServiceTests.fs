/// The C# front's streams: a stream method of a mapped service, a stream handler with services, and the publisher
/// from the Generic Host's container.
module Tino.Tests.CSharp.StreamServiceTests

open System.Collections.Concurrent
open System.Collections.Generic
open Expecto
open Tino.CSharp.TestKit
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Streams.StreamTests
open Tino.Tests.Streams.EventTests

[<Tests>]
let streamServices =
    testSequenced <| testList "C# front streams" [
        test "a stream method of a per-call service keeps its instance until the stream ends" {
            let log = ConcurrentQueue<string>()
            withApp (StreamServiceApps.PerCall log) (fun server ->
                use c = connect server
                let first = iter c "count" [ mp 3 ]
                let items, _ = readAll c 10 first
                Expect.equal (ints items) [ 0; 1; 2 ] "counted"
                Expect.equal (List.ofSeq log) [ "item 0"; "item 1"; "item 2"; "disposed" ] "disposed after the last item, not before the first"
                Expect.equal (ints (List.ofSeq (c.Call("count", mp 2)).Items)) [ 0; 1 ] "plainly too")
        }
        test "a stream handler's scoped services live as long as its stream" {
            let tracker = Tracker()
            withApp (StreamServiceApps.Scoped tracker) (fun server ->
                use c = connect server
                let cursor, items = batchOf (iter c "scoped_count" [ mp 200 ])
                Expect.equal (ints items) [ 100 .. 163 ] "the first scope's service"
                Expect.equal (tracker.Created, tracker.Disposed) (1, 0) "the scope is open while the cursor is"
                c.Call("CLOSE", ascii cursor) |> ignore
                let watch = System.Diagnostics.Stopwatch.StartNew()
                while tracker.Disposed = 0 && watch.ElapsedMilliseconds < 5000L do System.Threading.Thread.Sleep 5
                Expect.equal tracker.Disposed 1 "CLOSE disposed the scope")
        }
        test "the Generic Host's container gives app code the server's publisher" {
            let logs = new CapturingLoggerProvider()
            let settings = Dictionary<string, string | null>()
            settings["Tino:Port"] <- "0"
            let host = (HostedApps.StartAsync(settings, logs)).GetAwaiter().GetResult()
            try
                use subscriber = new RespConnection(HostedApps.PortOf host)
                subscriber.Call("SUBSCRIBE", ascii "greetings") |> ignore
                Expect.equal ((StreamServiceApps.PublisherOf host).Publish("greetings", "hi")) 1 "delivered"
                Expect.equal (frame (subscriber.ReadReply())) [ "message"; "greetings"; msgpackText "hi" ] "received"
            finally
                host.StopAsync().GetAwaiter().GetResult()
                host.Dispose()
        }
    ]
