/// Server events across three instances through a Redis backplane on a real redis-server: every subscriber receives
/// each event once, and an outage of Redis loses no call and ends when Redis is back.
module Tino.Tests.ScaleOut.BackplaneTests

open System
open System.IO
open System.Net
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open Expecto
open Microsoft.Extensions.Configuration
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Hosting
open Tino
open Tino.FSharp
open Tino.Hosting
open Tino.Redis
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Interop.ClientInteropTests
open Tino.Tests.ScaleOut.Processes

/// An instance of the app, on the backplane of the Redis server at `redisPort` under `prefix`.
let private instance (redisPort: int) (prefix: string) (port: int) =
    let app =
        tino {
            command "notify" (fun (channel: string) (value: string) (events: Publisher) -> events.Publish(channel, value))
            event_backplane (RedisBackplane($"redis://127.0.0.1:{redisPort}", prefix))
        }
    let server = new TinoServer(app)
    server.StartAsync(IPEndPoint(IPAddress.Loopback, port)).GetAwaiter().GetResult()
    server

let private stopAll (servers: TinoServer list) =
    for server in servers do
        server.DisposeAsync().AsTask().GetAwaiter().GetResult()

/// A raw connection to `server`, subscribed to `channel`.
let private subscribe (server: TinoServer) (channel: string) =
    let connection = connect server
    let confirmation = connection.Call("SUBSCRIBE", ascii channel)
    Expect.equal (text confirmation.Items[0]) "subscribe" "subscribed"
    connection

/// Runs `listen` while `value` is published on "news" through `caller` every 100 ms (the backplane may be
/// reconnecting, a subscription moving), and gives what it returns.
let private whilePublishing (caller: RespConnection) (value: string) (listen: unit -> 'T) : 'T =
    use stop = new CancellationTokenSource()
    let publishing =
        Task.Run(fun () ->
            while not stop.IsCancellationRequested do
                caller.Call("notify", mp "news", mp value) |> ignore
                Thread.Sleep 100)
    try
        listen ()
    finally
        stop.Cancel()
        publishing.Wait()

/// What `subscriber` receives first while `value` is published through `caller`.
let private publishUntilHeard (caller: RespConnection) (subscriber: RespConnection) (value: string) =
    whilePublishing caller value (fun () -> Tino.Tests.Hosting.TestServer.value<string> (subscriber.ReadReply().Items[2]))

[<Tests>]
let tests =
    testSequenced <| testList "Server events through a Redis backplane" [
        test "redis-py subscribers on A and C receive what B publishes, and what A publishes, once each" {
            withRedisServer (fun redisPort ->
                let prefix = $"test-{Guid.NewGuid():N}:"
                let servers = [ for _ in 1..3 -> instance redisPort prefix 0 ]
                try
                    Tino.Tests.Interop.ClientMatrix.pythonModules.Force()
                    let script = Path.Combine(AppContext.BaseDirectory, "ScaleOut", "backplane.py")
                    let ports = servers |> List.map (portOf >> string)
                    let code, out, err = Tino.Tests.Interop.RealClientTests.run "/usr/bin/python3" (script :: ports) (TimeSpan.FromMinutes 1.0)
                    Expect.equal code 0 $"backplane.py: {err}"
                    let received = nonNull (JsonSerializer.Deserialize<Collections.Generic.Dictionary<string, string[]>>(out))
                    let both = [| "through A"; "through B" |]
                    Expect.equal received["a"] both "A's subscriber: B's event through Redis, A's own once"
                    Expect.equal received["b"] both "B's subscriber: B's own once, A's through Redis"
                    Expect.equal received["c"] both "C's pattern subscriber: both through Redis"
                finally
                    stopAll servers)
        }
        test "with Redis killed under load, no call is lost and local events go on; once it is back, events cross again" {
            let redisPort = freePort ()
            let mutable redis = startRedisServer redisPort
            let prefix = $"test-{Guid.NewGuid():N}:"
            let servers = [ for _ in 1..2 -> instance redisPort prefix 0 ]
            let a, b = servers[0], servers[1]
            // Four callers on each instance publish without pause through the outage; every call must get its reply.
            use stopLoad = new CancellationTokenSource()
            let answered = ref 0
            let load =
                [ for server in servers do
                    for _ in 1..4 ->
                        Task.Run(fun () ->
                            use c = connect server
                            while not stopLoad.IsCancellationRequested do
                                let reply = c.Call("notify", mp "load", mp "x")
                                if reply.Kind = Tino.Protocol.RespReplyKind.Error then failwithf "a call failed: %s" (errorText reply)
                                Interlocked.Increment &answered.contents |> ignore) ]
            try
                use onA = subscribe a "news"
                use onB = subscribe b "news"
                use caller = connect b
                Thread.Sleep 300
                stopRedisServer redis
                for i in 1..200 do
                    Expect.equal (value<int> (caller.Call("notify", mp "news", mp $"down {i}"))) 1 "B's own subscriber still gets it, at once"
                Expect.equal (value<string> (onB.ReadReply().Items[2])) "down 1" "delivered locally"
                redis <- startRedisServer redisPort
                // StackExchange.Redis reconnects by itself; until it has, B's events stay on B. B publishes until A hears.
                Expect.equal (publishUntilHeard caller onA "back") "back" "an event from B reached A's subscriber once Redis was back"
                stopLoad.Cancel()
                Task.WaitAll(Array.ofList load)
                // Each caller fails its task on an error reply or a lost connection: WaitAll above rethrows it.
                Expect.isGreaterThan answered.Value 0 "the load ran through the outage"
            finally
                stopLoad.Cancel()
                stopAll servers
                stopRedisServer redis
        }
        test "an instance starts while Redis is down, and joins when Redis answers" {
            let redisPort = freePort ()
            let prefix = $"test-{Guid.NewGuid():N}:"
            let early = instance redisPort prefix 0
            let mutable redis = None
            let mutable late = None
            try
                use caller = connect early
                Expect.equal (value<int> (caller.Call("notify", mp "news", mp "alone"))) 0 "it serves, with nobody subscribed"
                redis <- Some(startRedisServer redisPort)
                let second = instance redisPort prefix 0
                late <- Some second
                use onSecond = subscribe second "news"
                Expect.equal (publishUntilHeard caller onSecond "joined") "joined" "the early instance's events reach the other once Redis is up"
            finally
                stopAll (early :: Option.toList late)
                redis |> Option.iter stopRedisServer
        }
        test "both interop servers take --backplane: an event published on the C# one reaches a subscriber of the F# one" {
            withRedisServer (fun redisPort ->
                let backplane = [ "--port"; "0"; "--backplane"; $"redis://127.0.0.1:{redisPort}" ]
                let csharp, csharpPort = Tino.Tests.ScaleOut.Processes.startInteropServer "InteropServer.CSharp" backplane
                use _ = csharp
                let fsharp, fsharpPort = Tino.Tests.ScaleOut.Processes.startInteropServer "InteropServer.FSharp" backplane
                use _ = fsharp
                use subscriber = new RespConnection(fsharpPort)
                Expect.equal (text (subscriber.Call("SUBSCRIBE", ascii "news")).Items[0]) "subscribe" "subscribed on the F# server"
                use publisher = new RespConnection(csharpPort)
                Expect.equal (value<int> (publisher.Call("NOTIFY", mp "news", mp "across"))) 0 "no subscriber on the C# server itself"
                Expect.equal (value<string> (subscriber.ReadReply().Items[2])) "across" "the F# server's subscriber received it")
        }
        test "AddTino uses the backplane AddTinoRedisBackplane registers, its address from Tino:Backplane" {
            withRedisServer (fun redisPort ->
                let prefix = $"test-{Guid.NewGuid():N}:"
                let builder = Host.CreateApplicationBuilder()
                let settings = [ "Tino:Host", "127.0.0.1"; "Tino:Port", "0"; "Tino:Backplane", $"redis://127.0.0.1:{redisPort}" ]
                builder.Configuration.AddInMemoryCollection(dict settings) |> ignore
                builder.Services.AddTinoRedisBackplane(channelPrefix = prefix) |> ignore
                builder.Services.AddTino(fun tino ->
                    tino.Command("notify", Func<string, string, Publisher, int>(fun channel value events -> events.Publish(channel, value))) |> ignore)
                |> ignore
                use host = builder.Build()
                host.StartAsync().GetAwaiter().GetResult()
                let plain = instance redisPort prefix 0
                try
                    use onPlain = subscribe plain "news"
                    let hosted = host.Services.GetRequiredService<Tino.Hosting.TinoHostedService>()
                    use publisher = new RespConnection((nonNull hosted.LocalEndPoint).Port)
                    Expect.equal (value<int> (publisher.Call("NOTIFY", mp "news", mp "hosted"))) 0 "nobody on the hosted instance"
                    Expect.equal (value<string> (onPlain.ReadReply().Items[2])) "hosted" "the other instance's subscriber received it"
                finally
                    stopAll [ plain ]
                    host.StopAsync().GetAwaiter().GetResult())
        }
        test "AddTinoRedisBackplane without an address or Tino:Backplane says which key it wanted" {
            let services = ServiceCollection()
            services.AddSingleton<IConfiguration>(ConfigurationBuilder().Build()).AddTinoRedisBackplane() |> ignore
            use provider = services.BuildServiceProvider()
            let error = Expect.throwsC (fun () -> provider.GetRequiredService<IEventBackplane>() |> ignore) id
            Expect.stringContains error.Message "Tino:Backplane" "names the key"
        }
        test "deploy/kubernetes/tino.yaml's readiness probe passes for a ready server and fails for one that is not" {
            let manifest = File.ReadAllLines(Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "..", "deploy", "kubernetes", "tino.yaml"))
            // The probe's script is the plain YAML line after `- -c`.
            let script = (manifest[(manifest |> Array.findIndex (fun line -> line.Trim() = "- -c")) + 1]).Trim().Substring 2
            let probe (server: TinoServer) =
                let code, _, err = Tino.Tests.Interop.RealClientTests.run "bash" [ "-c"; script.Replace("7534", string (portOf server)) ] (TimeSpan.FromSeconds 30.0)
                code, err
            let ready = (startServer (Tino.Tests.Hosting.TestApp.create ())).GetAwaiter().GetResult()
            let notReady =
                let options = TinoHostOptions(ReadinessCheck = fun _ -> ValueTask<TinoReadiness>(TinoReadiness.NotReady "database"))
                (startServerWith options (Tino.Tests.Hosting.TestApp.create ())).GetAwaiter().GetResult()
            try
                Expect.equal (fst (probe ready)) 0 $"ready: {snd (probe ready)}"
                Expect.notEqual (fst (probe notReady)) 0 "not ready"
            finally
                stopAll [ ready; notReady ]
        }
        test "a cluster client's subscription moves to the other instance when its own stops, and goes on receiving" {
            withRedisServer (fun redisPort ->
                let prefix = $"test-{Guid.NewGuid():N}:"
                let a = instance redisPort prefix 0
                let b = instance redisPort prefix 0
                let options = Tino.Client.TinoClusterOptions(HealthCheckInterval = TimeSpan.FromMilliseconds 100.0, HealthCheckTimeout = TimeSpan.FromMilliseconds 300.0)
                let cluster = Tino.Client.TinoClusterClient.ConnectAsync([ for s in [ a; b ] -> $"redis://127.0.0.1:{portOf s}" ], options).GetAwaiter().GetResult()
                try
                    // A fresh cluster's first pick is the first endpoint: the subscription starts on a.
                    let events = cluster.SubscribeAsync<string>("news").GetAsyncEnumerator()
                    use caller = connect b
                    // Publishes `value` through b until the subscription yields it.
                    let hears (value: string) =
                        whilePublishing caller value (fun () ->
                            let clock = Diagnostics.Stopwatch.StartNew()
                            let mutable heard = false
                            while not heard && clock.Elapsed < TimeSpan.FromSeconds 20.0 do
                                let moved = events.MoveNextAsync().AsTask()
                                heard <- moved.Wait(TimeSpan.FromSeconds 20.0) && moved.Result && events.Current = value
                            heard)
                    Expect.isTrue (hears "before") "subscribed on a, b's event through the backplane"
                    a.DisposeAsync().AsTask().GetAwaiter().GetResult()
                    Expect.isTrue (hears "after") "moved to b, subscribed again, and still receiving"
                finally
                    cluster.DisposeAsync().AsTask().GetAwaiter().GetResult()
                    stopAll [ a; b ])
        }
    ]
