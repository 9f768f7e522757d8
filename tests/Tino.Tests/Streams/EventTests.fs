/// Server events over a raw socket (PROTOCOL.md section 6a): Redis's RESP2 subscribed state, message and pmessage
/// frames, channels that need auth, and a subscriber that falls behind.
module Tino.Tests.Streams.EventTests

open System
open System.Net.Sockets
open System.Threading
open System.Threading.Tasks
open Expecto
open Microsoft.Extensions.Logging
open Tino
open Tino.CSharp.TestKit
open Tino.Hosting
open Tino.Protocol
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Streams.StreamTests

/// A push frame or confirmation as strings and numbers: `["message"; "news"; "\\x05"]`, integers as `:n`.
let frame (reply: RespReply) : string list =
    if reply.Kind <> RespReplyKind.Array then failwithf "expected a frame, got %O" reply
    [ for item in reply.Items ->
        match item.Kind with
        | RespReplyKind.Integer -> $":{item.Integer}"
        | RespReplyKind.Null -> "(nil)"
        | _ -> text item ]

let msgpackText (value: 'T) = Text.Encoding.UTF8.GetString(mp value)

let withEvents (events: EventOptions) (body: Streams -> TinoServer -> unit) =
    withStreams (Some(TinoOptions(Events = events))) body

[<Tests>]
let subscribedState =
    testSequenced <| testList "Events: the subscribed state" [
        test "SUBSCRIBE confirms each channel with the count, and events arrive as message frames" {
            withStreams None (fun _ server ->
                use subscriber = connect server
                use publisher = connect server
                subscriber.Send(request "SUBSCRIBE" [ ascii "news"; ascii "weather" ])
                Expect.equal (frame (subscriber.ReadReply())) [ "subscribe"; "news"; ":1" ] "first"
                Expect.equal (frame (subscriber.ReadReply())) [ "subscribe"; "weather"; ":2" ] "second"
                Expect.equal (value<int> (publisher.Call("publish", mp "news", mp 5))) 1 "one delivery"
                Expect.equal (frame (subscriber.ReadReply())) [ "message"; "news"; msgpackText 5 ] "*3 message news \\x05"
                Expect.equal (value<int> (publisher.Call("publish", mp "sports", mp 1))) 0 "nobody listens to sports"
                Expect.equal (server.Publisher.Publish("weather", "rain")) 1 "the server's publisher"
                Expect.equal (frame (subscriber.ReadReply())) [ "message"; "weather"; msgpackText "rain" ] "app code publishes too")
        }
        test "a subscriber under TINO.CODEC json receives JSON text; a MessagePack subscriber, MessagePack, from the same publish" {
            withStreams None (fun _ server ->
                use jsonSubscriber = connect server
                use subscriber = connect server
                Expect.equal (text (jsonSubscriber.Call("TINO.CODEC", ascii "json"))) "OK" "codec"
                Expect.equal (frame (jsonSubscriber.Call("SUBSCRIBE", ascii "orders"))) [ "subscribe"; "orders"; ":1" ] "subscribed"
                Expect.equal (frame (jsonSubscriber.Call("PSUBSCRIBE", ascii "ord*"))) [ "psubscribe"; "ord*"; ":2" ] "pattern"
                subscriber.Call("SUBSCRIBE", ascii "orders") |> ignore
                let order = dict [ "sku", box "plum"; "count", box 3 ]
                Expect.equal (server.Publisher.Publish("orders", order)) 3 "three deliveries"
                Expect.equal (frame (jsonSubscriber.ReadReply())) [ "message"; "orders"; """{"sku":"plum","count":3}""" ] "JSON text"
                Expect.equal (frame (jsonSubscriber.ReadReply())) [ "pmessage"; "ord*"; "orders"; """{"sku":"plum","count":3}""" ] "JSON text by pattern"
                let messagePack = MessagePack.MessagePackSerializer.Serialize(order, Serialization.TinoMessagePack.DefaultOptions)
                Expect.equal (frame (subscriber.ReadReply())) [ "message"; "orders"; Text.Encoding.UTF8.GetString messagePack ] "MessagePack as before")
        }
        test "the exact bytes of a message frame" {
            withStreams None (fun _ server ->
                use subscriber = connect server
                subscriber.Call("SUBSCRIBE", ascii "ch") |> ignore
                server.Publisher.Publish("ch", 3) |> ignore
                Expect.equal ((subscriber.ReadReply()).ToString()) "[\"message\", \"ch\", \"\\x03\"]" "*3 $7 message $2 ch $1 \\x03")
        }
        test "PSUBSCRIBE receives pmessage frames; a channel matched twice is delivered twice" {
            withStreams None (fun _ server ->
                use subscriber = connect server
                Expect.equal (frame (subscriber.Call("PSUBSCRIBE", ascii "news.*"))) [ "psubscribe"; "news.*"; ":1" ] "pattern"
                Expect.equal (frame (subscriber.Call("SUBSCRIBE", ascii "news.eu"))) [ "subscribe"; "news.eu"; ":2" ] "channel"
                Expect.equal (server.Publisher.Publish("news.eu", 1)) 2 "two subscriptions match"
                Expect.equal (frame (subscriber.ReadReply())) [ "message"; "news.eu"; msgpackText 1 ] "by channel"
                Expect.equal (frame (subscriber.ReadReply())) [ "pmessage"; "news.*"; "news.eu"; msgpackText 1 ] "by pattern"
                Expect.equal (server.Publisher.Publish("news", 1)) 0 "news.* does not match news"
                Expect.equal (server.Publisher.Publish("news.us", 2)) 1 "the pattern alone"
                Expect.equal (frame (subscriber.ReadReply())) [ "pmessage"; "news.*"; "news.us"; msgpackText 2 ] "pmessage")
        }
        test "in the subscribed state PING replies [pong, message], QUIT works, and other commands are refused" {
            withStreams None (fun _ server ->
                use c = connect server
                c.Call("SUBSCRIBE", ascii "ch") |> ignore
                Expect.equal (frame (c.Call("PING"))) [ "pong"; "" ] "PING"
                Expect.equal (frame (c.Call("PING", ascii "hi"))) [ "pong"; "hi" ] "PING hi"
                Expect.equal (errorText (c.Call("range", mp 1)))
                    "ERR Can't execute 'range': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context" "an app command"
                expectErrorStarts "ERR Can't execute 'iter'" (c.Call("ITER", ascii "range", mp 1))
                expectErrorStarts "ERR Can't execute 'echo'" (c.Call("ECHO", ascii "x"))
                expectErrorStarts "ERR Can't execute 'auth'" (c.Call("AUTH", ascii "tinaspassword"))
                Expect.equal (errorText (c.Call("nope"))) "INVALID_COMMAND nope" "an unknown command"
                Expect.equal (text (c.Call("QUIT"))) "OK" "QUIT"
                Expect.isTrue (c.IsClosedByServer()) "closed")
        }
        test "UNSUBSCRIBE without names leaves every channel, and the connection is ordinary again" {
            withStreams None (fun _ server ->
                use c = connect server
                c.Send(request "SUBSCRIBE" [ ascii "a"; ascii "b" ])
                c.ReadReply() |> ignore
                c.ReadReply() |> ignore
                c.Send(request "UNSUBSCRIBE" [])
                let confirmations = [ frame (c.ReadReply()); frame (c.ReadReply()) ]
                Expect.equal (confirmations |> List.map List.last |> List.sort) [ ":0"; ":1" ] "counts down"
                Expect.equal (confirmations |> List.map (fun f -> f[1]) |> List.sort) [ "a"; "b" ] "both"
                Expect.equal (text (c.Call("PING"))) "PONG" "ordinary PING"
                Expect.equal (c.Call("range", mp 2)).Items.Count 2 "commands work"
                Expect.equal (server.Publisher.Publish("a", 1)) 0 "nobody listens")
        }
        test "UNSUBSCRIBE of names, of a name never subscribed, and with nothing subscribed" {
            withStreams None (fun _ server ->
                use c = connect server
                Expect.equal (frame (c.Call("UNSUBSCRIBE"))) [ "unsubscribe"; "(nil)"; ":0" ] "nothing to leave"
                Expect.equal (frame (c.Call("PUNSUBSCRIBE"))) [ "punsubscribe"; "(nil)"; ":0" ] "no pattern either"
                c.Call("SUBSCRIBE", ascii "a") |> ignore
                c.Call("PSUBSCRIBE", ascii "p*") |> ignore
                Expect.equal (frame (c.Call("UNSUBSCRIBE", ascii "zzz"))) [ "unsubscribe"; "zzz"; ":2" ] "not subscribed"
                Expect.equal (frame (c.Call("UNSUBSCRIBE", ascii "a"))) [ "unsubscribe"; "a"; ":1" ] "a"
                Expect.equal (frame (c.Call("PING"))) [ "pong"; "" ] "still subscribed to the pattern"
                Expect.equal (frame (c.Call("PUNSUBSCRIBE", ascii "p*"))) [ "punsubscribe"; "p*"; ":0" ] "p*"
                Expect.equal (text (c.Call("PING"))) "PONG" "ordinary again")
        }
        test "the idle timeout does not close a subscriber, which waits for events" {
            withStreamsOn (Tino.Hosting.TinoHostOptions(IdleTimeout = TimeSpan.FromMilliseconds 100.0)) None (fun _ server ->
                use subscriber = connect server
                use idle = connect server
                subscriber.Call("SUBSCRIBE", ascii "quiet") |> ignore
                Expect.isTrue (idle.IsClosedByServer()) "an ordinary silent connection is closed"
                Expect.equal (server.Publisher.Publish("quiet", 1)) 1 "the subscriber is still there"
                Expect.equal (frame (subscriber.ReadReply())) [ "message"; "quiet"; msgpackText 1 ] "and receives")
        }
        test "SUBSCRIBE of no channel is Redis's argument error" {
            withStreams None (fun _ server ->
                use c = connect server
                Expect.equal (errorText (c.Call("SUBSCRIBE"))) "ERR wrong number of arguments for 'subscribe' command" "subscribe"
                Expect.equal (errorText (c.Call("PSUBSCRIBE"))) "ERR wrong number of arguments for 'psubscribe' command" "psubscribe")
        }
        test "glob patterns: ?, classes, ranges, negation and escapes" {
            withStreams None (fun _ server ->
                use c = connect server
                c.Send(Array.concat [ for p in [ "h?llo"; "h[ae]llo"; "h[^e]llo"; "h[a-b]llo"; "h\\*llo" ] -> request "PSUBSCRIBE" [ ascii p ] ])
                for _ in 1..5 do c.ReadReply() |> ignore
                let reached channel = server.Publisher.Publish(channel, 0)
                Expect.equal (reached "hello") 2 "h?llo, h[ae]llo"
                Expect.equal (reached "hallo") 4 "h?llo, h[ae]llo, h[^e]llo, h[a-b]llo"
                Expect.equal (reached "hxllo") 2 "h?llo, h[^e]llo"
                Expect.equal (reached "h*llo") 3 "h?llo, h[^e]llo, the escaped star"
                Expect.equal (reached "hllo") 0 "? needs a character")
        }
    ]

[<Tests>]
let authAndLimits =
    testSequenced <| testList "Events: auth and slow subscribers" [
        test "a channel that needs auth: SUBSCRIBE before AUTH is refused, patterns do not leak it, AUTH opens it" {
            withEvents (EventOptions(AuthRequiredChannels = Collections.Immutable.ImmutableArray.Create "secret.*")) (fun _ server ->
                use c = connect server
                Expect.equal (errorText (c.Call("SUBSCRIBE", ascii "public", ascii "secret.plans"))) notAuthenticated "refused, and none subscribed"
                Expect.equal (text (c.Call("PING"))) "PONG" "the connection stays open and unsubscribed"
                Expect.equal (frame (c.Call("PSUBSCRIBE", ascii "*"))) [ "psubscribe"; "*"; ":1" ] "a pattern is allowed"
                Expect.equal (server.Publisher.Publish("secret.plans", 1)) 0 "but does not receive what needs auth"
                Expect.equal (server.Publisher.Publish("public", 2)) 1 "it receives the rest"
                Expect.equal (frame (c.ReadReply())) [ "pmessage"; "*"; "public"; msgpackText 2 ] "public"
                use authed = connect server
                Expect.equal (text (authed.Call("AUTH", ascii "tinaspassword"))) "OK" "auth"
                Expect.equal (frame (authed.Call("SUBSCRIBE", ascii "secret.plans"))) [ "subscribe"; "secret.plans"; ":1" ] "allowed"
                Expect.equal (server.Publisher.Publish("secret.plans", 3)) 1 "delivered to the authenticated one"
                Expect.equal (frame (authed.ReadReply())) [ "message"; "secret.plans"; msgpackText 3 ] "received")
        }
        test "a subscriber that stops reading is dropped with a log line; the others and the server go on" {
            let logs = new CapturingLoggerProvider()
            use factory = LoggerFactory.Create(fun builder -> builder.AddProvider(logs).SetMinimumLevel(LogLevel.Debug) |> ignore)
            let probe = Streams()
            let app = probe.Build(fun options -> TinoOptions(Events = EventOptions(MaxQueuedBytesPerSubscriber = 256L * 1024L)))
            let server = new TinoServer(app, factory)
            server.StartAsync(Net.IPEndPoint(Net.IPAddress.Loopback, 0)).GetAwaiter().GetResult()
            try
                use slow = new TcpClient(ReceiveBufferSize = 4096)
                slow.Connect(Net.IPAddress.Loopback, portOf server)
                let slowStream = slow.GetStream()
                let subscribe = request "SUBSCRIBE" [ ascii "flood" ]
                slowStream.Write(subscribe, 0, subscribe.Length)
                use fast = connect server
                Expect.equal (frame (fast.Call("SUBSCRIBE", ascii "flood"))) [ "subscribe"; "flood"; ":1" ] "fast subscribed"
                let events = 3008
                let mutable got = 0
                let received = Task.Run(fun () -> for _ in 1..events do fast.ReadReply() |> ignore; Interlocked.Increment &got |> ignore)
                let payload = String('x', 4000)
                // Bursts of 16 events (64 KB): the fast subscriber keeps up with each before the next; the slow one reads nothing.
                let delivered =
                    [ for burst in 1 .. events / 16 do
                        yield! [ for _ in 1..16 -> server.Publisher.Publish("flood", payload) ]
                        let deadline = Diagnostics.Stopwatch.StartNew()
                        while Volatile.Read &got < burst * 16 && deadline.Elapsed < TimeSpan.FromSeconds 10.0 do
                            Thread.Sleep 1 ]
                    |> List.sum
                Expect.isTrue (received.Wait(TimeSpan.FromSeconds 30.0)) "the fast subscriber got every event"
                Expect.isLessThan delivered (2 * events) "the slow one stopped counting as delivered"
                use caller = connect server
                Expect.equal (caller.Call("range", mp 3)).Items.Count 3 "the server serves others"
                let rec closed () =
                    try slowStream.ReadTimeout <- 10000; slowStream.Read(Array.zeroCreate 65536, 0, 65536) = 0 || closed ()
                    with :? IO.IOException -> true
                Expect.isTrue (closed ()) "the slow subscriber's connection was closed"
                Expect.exists logs.Messages (fun struct (_, message, _) -> message.Contains "fell behind") "a log line says why"
            finally
                server.StopAsync().GetAwaiter().GetResult()
        }
    ]
