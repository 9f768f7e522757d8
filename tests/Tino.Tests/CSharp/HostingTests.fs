/// services.AddTino: a Tino server in the Generic Host, configured from IConfiguration, logging through the container.
module Tino.Tests.CSharp.HostingTests

open System
open System.Collections.Generic
open System.Threading
open Expecto
open Microsoft.Extensions.Hosting
open Tino.Hosting
open Tino.CSharp.TestKit
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

let private withHostAndOptions (hostOptions: TinoHostOptions | null) (configuration: (string * string) list) (body: IHost -> CapturingLoggerProvider -> unit) =
    let logs = new CapturingLoggerProvider()
    let settings = Dictionary<string, string | null>()
    for key, value in ("Tino:Port", "0") :: configuration do
        settings[key] <- value
    let host = (HostedApps.StartAsync(settings, logs, hostOptions)).GetAwaiter().GetResult()
    try body host logs
    finally
        host.StopAsync().GetAwaiter().GetResult()
        host.Dispose()

let private withHost configuration body = withHostAndOptions null configuration body

[<Tests>]
let hosting =
    testSequenced <| testList "C# Generic Host" [
        test "readiness follows the app's health checks, and says draining while the server drains, still serving" {
            let database = Database()
            // A drain longer than any test, cut short by the stop's token once the draining server has been seen.
            let host = HostedApps.StartWithDatabaseAsync(database, TinoHostOptions(DrainDelay = TimeSpan.FromMinutes 10.0)).GetAwaiter().GetResult()
            try
                let port = HostedApps.PortOf host
                use c = new RespConnection(port)
                let health () = c.Call("TINO.HEALTH")
                Expect.equal (health ()).Kind Tino.Protocol.RespReplyKind.SimpleString "ready"
                Expect.equal (text (health ())) "READY" "+READY"
                Expect.equal (HostedApps.TinoHealthAsync(host).GetAwaiter().GetResult()) "Healthy: takes calls" "the tino health check"
                database.Up <- false
                Expect.equal (errorText (health ())) "NOT_READY \"database\"" "an unhealthy app check makes the server not ready, named"
                Expect.equal (HostedApps.TinoHealthAsync(host).GetAwaiter().GetResult()) "Unhealthy: database" "and the tino health check says so"
                database.Up <- true
                use hurry = new CancellationTokenSource()
                let stopping = host.StopAsync(hurry.Token)
                Tino.Tests.Client.ClusterClientTests.eventually "the host begins to stop the server" (fun () -> (health ()).Kind = Tino.Protocol.RespReplyKind.Error)
                Expect.equal (errorText (health ())) "NOT_READY \"draining\"" "draining, on a connection opened before"
                Expect.equal (HostedApps.TinoHealthAsync(host).GetAwaiter().GetResult()) "Unhealthy: draining" "the health check drains too"
                use late = new RespConnection(port)
                Expect.equal (value<int64> (late.Call("add", mp 2, mp 3))) 5L "a connection made while draining is still served"
                Expect.isFalse stopping.IsCompleted "the server still serves through the drain delay"
                hurry.Cancel()
                stopping.GetAwaiter().GetResult()
            finally
                host.Dispose()
        }
        test "the hosted server listens where configuration says and serves services per call" {
            withHost [ "Tino:Host", "127.0.0.1" ] (fun host _ ->
                let port = HostedApps.PortOf host
                Expect.isGreaterThan port 0 "a real port for Tino:Port 0"
                Expect.equal (HostedApps.AddressOf host) $"redis://127.0.0.1:{port}" "the address"
                use c = new RespConnection(port)
                Expect.equal (value<string> (c.Call("greet", mp "tina"))) "hello tina" "a service parameter from the host's container"
                Expect.equal (value<int64> (c.Call("add", mp 2, mp 3))) 5L "MapService<T>() from the host's container")
        }
        test "limits come from configuration" {
            withHost [ "Tino:MaxArguments", "1"; "Tino:ExposeExceptionMessages", "true" ] (fun host _ ->
                use c = new RespConnection(HostedApps.PortOf host)
                Expect.stringContains (errorText (c.Call("crash"))) "the secret cause" "ExposeExceptionMessages from configuration"
                expectErrorStarts "LIMIT_EXCEEDED" (c.Call("add", mp 1, mp 2)))
        }
        test "configuration's MaxConnections reaches the server" {
            withHost [ "Tino:MaxConnections", "2" ] (fun host _ ->
                use first = new RespConnection(HostedApps.PortOf host)
                use second = new RespConnection(HostedApps.PortOf host)
                Expect.equal (text (first.Call("PING"))) "PONG" "the first is served"
                Expect.equal (text (second.Call("PING"))) "PONG" "the second is served"
                use third = new RespConnection(HostedApps.PortOf host)
                Expect.isTrue (third.IsClosedByServer()) "the third is closed at accept"
                Expect.equal (text (first.Call("PING"))) "PONG" "the others are untouched")
        }
        test "host options given to AddTino in code reach the server, and configuration's MaxConnections overrides theirs" {
            let inCode = TinoHostOptions(MaxConnections = 1, IdleTimeout = TimeSpan.FromSeconds 1.0)
            withHostAndOptions inCode [ "Tino:MaxConnections", "2" ] (fun host _ ->
                use first = new RespConnection(HostedApps.PortOf host)
                use second = new RespConnection(HostedApps.PortOf host)
                Expect.equal (text (first.Call("PING"))) "PONG" "the first is served"
                Expect.equal (text (second.Call("PING"))) "PONG" "the second is served: 2 from configuration, not 1 from code"
                use third = new RespConnection(HostedApps.PortOf host)
                Expect.isTrue (third.IsClosedByServer()) "the third is closed at accept"
                Expect.isTrue (first.IsClosedByServer()) "a silent connection is closed after the idle timeout given in code")
        }
        test "the server logs through the container's logger factory" {
            withHost [] (fun host logs ->
                use c = new RespConnection(HostedApps.PortOf host)
                let reply = errorText (c.Call("crash"))
                let errorId = (reply.Split("error id ")[1]).TrimEnd([| ')'; '"' |])
                Expect.isFalse (reply.Contains("the secret cause")) "the message is not exposed by default"
                let logged = logs.Messages |> Seq.tryFind (fun struct (_, message, error) -> message.Contains(errorId) && not (isNull error))
                Expect.isSome logged "the unexpected error is logged with its id and exception"
                Expect.exists logs.Messages (fun struct (_, message, _) -> message.Contains("istening")) "the listening line is logged")
        }
        test "stopping the host drains a call in flight, then closes the connection" {
            let logs = new CapturingLoggerProvider()
            let settings = Dictionary<string, string | null>()
            settings["Tino:Port"] <- "0"
            let host = (HostedApps.StartAsync(settings, logs)).GetAwaiter().GetResult()
            use c = new RespConnection(HostedApps.PortOf host)
            Expect.equal (value<string> (c.Call("greet", mp "x"))) "hello x" "serving"
            c.Send(request "sleep" [ mp 300 ])
            Thread.Sleep 100
            let stopping = host.StopAsync()
            Expect.equal (value<int> (c.ReadReply())) 300 "the call in flight is answered"
            Expect.isTrue (c.IsClosedByServer()) "then the connection closes"
            stopping.GetAwaiter().GetResult()
            host.Dispose()
        }
        test "a port in use fails the host's start, naming the address, before the start-up hook runs" {
            let busy = new Net.Sockets.TcpListener(Net.IPAddress.Loopback, 0)
            busy.Start()
            try
                let port = (busy.LocalEndpoint :?> Net.IPEndPoint).Port
                let ran = Collections.Concurrent.ConcurrentQueue<string>()
                use logs = new CapturingLoggerProvider()
                let error = HostedApps.TryStartOnAsync(port, ran, logs).GetAwaiter().GetResult()
                Expect.isNotNull error "the host did not start"
                Expect.stringStarts (nonNull error).Message $"127.0.0.1:{port} is already in use (another process listens on it)" "says why, naming the address"
                Expect.isEmpty ran "the start-up hook did not run"
                busy.Stop()
                Expect.isNull (HostedApps.TryStartOnAsync(port, ran, logs).GetAwaiter().GetResult()) "once free, the port serves"
                Expect.equal (List.ofSeq ran) [ "start" ] "and the hook runs"
            finally
                busy.Stop()
        }
        test "AddTino twice is refused" {
            Expect.throwsT<InvalidOperationException> (fun () -> HostedApps.AddTwice()) "one app per container"
        }
    ]
