/// TinoClusterClient against in-process servers: round robin, health checks, failover, endpoints that come later.
/// ScaleOut/ScaleOutTests.fs kills server processes under it with SIGKILL.
module Tino.Tests.Client.ClusterClientTests

open System
open System.Diagnostics
open System.Net
open System.Net.Sockets
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Client
open Tino.Hosting
open Tino.Tests.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Client.ClientTests
open Tino.Tests.ScaleOut.Processes

/// The interop app with a `where` command that replies the server's name.
let named (name: string) =
    (TestApp.create ()).WithCommand(CommandHandler.Create("where", Func<string>(fun () -> name)))

/// A call through the cluster client's span-taking overload, from F#.
let clusterCall<'T> (cluster: TinoClusterClient) (name: string) (args: TinoArg list) : Task<'T> =
    cluster.CallAsync<'T>(name, CancellationToken.None, ReadOnlySpan(Array.ofList args)).AsTask()

/// Checks every 100 ms, each given 300 ms.
let fastChecks =
    TinoClusterOptions(HealthCheckInterval = TimeSpan.FromMilliseconds 100.0, HealthCheckTimeout = TimeSpan.FromMilliseconds 300.0)

let uriOf (server: TinoServer) = $"redis://127.0.0.1:{portOf server}"

let start (app: TinoApp) = (startServer app).GetAwaiter().GetResult()

let startOn (port: int) (app: TinoApp) =
    let server = new TinoServer(app)
    server.StartAsync(IPEndPoint(IPAddress.Loopback, port)).GetAwaiter().GetResult()
    server

let stop (server: TinoServer) = server.StopAsync().GetAwaiter().GetResult()

let connectCluster (uris: string list) (options: TinoClusterOptions) =
    TinoClusterClient.ConnectAsync(uris, options).GetAwaiter().GetResult()

let dispose (cluster: TinoClusterClient) = cluster.DisposeAsync().AsTask().Wait()

/// The names `where` replies for `count` calls in a row.
let wheres (cluster: TinoClusterClient) (count: int) =
    [ for _ in 1..count -> await (clusterCall<string> cluster "where" []) ]

let healthy (cluster: TinoClusterClient) = cluster.EndPoints |> Seq.map _.IsHealthy |> List.ofSeq

/// Polls `condition` every 20 ms for up to 5 s.
let eventually (what: string) (condition: unit -> bool) =
    let clock = Stopwatch.StartNew()
    while not (condition ()) do
        if clock.Elapsed > TimeSpan.FromSeconds 5.0 then failtestf "not within 5 s: %s" what
        Thread.Sleep 20

/// A listener that accepts connections and never answers: a hung server.
let hungServer () =
    let listener = new TcpListener(IPAddress.Loopback, 0)
    listener.Start()
    let accepted = Collections.Concurrent.ConcurrentBag<Socket>()
    let rec accept () =
        task {
            let! socket = listener.AcceptSocketAsync()
            accepted.Add socket
            return! accept ()
        }
    accept () |> ignore
    listener, (listener.LocalEndpoint :?> IPEndPoint).Port

[<Tests>]
let cluster =
    testSequenced <| testList "TinoClusterClient" [
        test "calls take turns over every healthy endpoint" {
            let servers = [ for name in [ "a"; "b"; "c" ] -> start (named name) ]
            let cluster = connectCluster (List.map uriOf servers) fastChecks
            try
                Expect.equal (healthy cluster) [ true; true; true ] "all healthy"
                let replies = wheres cluster 30
                Expect.equal (replies |> List.countBy id |> Map.ofList) (Map [ "a", 10; "b", 10; "c", 10 ]) "ten each"
                Expect.equal (replies |> List.chunkBySize 3 |> List.map List.sort |> List.distinct) [ [ "a"; "b"; "c" ] ] "in turn"
                Expect.equal (await (clusterCall<int64> cluster "add" [ arg 1; arg 2 ])) 3L "CallAsync"
                let raw = await (cluster.CallRawAsync("add", [| ReadOnlyMemory [| 1uy |]; ReadOnlyMemory [| 2uy |] |]).AsTask())
                Expect.equal (raw.ToArray()) [| 3uy |] "CallRawAsync"
                Expect.equal (text (await (cluster.ExecuteAsync("PING", [||]).AsTask()))) "PONG" "ExecuteAsync"
                let notFound = Throws.Of<TinoCommandNotFoundException>(clusterCall<int> cluster "nope" [])
                Expect.equal notFound.Code "INVALID_COMMAND" "an error reply is the caller's, and takes no endpoint out"
                Expect.equal (healthy cluster) [ true; true; true ] "still all healthy"
                let addresses = cluster.EndPoints |> Seq.map _.Address |> List.ofSeq
                Expect.equal addresses (List.map uriOf servers) "addresses as given"
            finally
                dispose cluster
                List.iter stop servers
        }
        test "a server that stops is out at once; the following calls go to the others; back on its port, it is back in turn" {
            let a = start (named "a")
            let portA = portOf a
            let b = start (named "b")
            let cluster = connectCluster [ uriOf a; uriOf b ] fastChecks
            let mutable again = None
            try
                stop a
                eventually "a is out" (fun () -> healthy cluster = [ false; true ])
                Expect.equal (wheres cluster 10) (List.replicate 10 "b") "every call goes to b"
                let status = cluster.EndPoints[0]
                Expect.isNotNull status.LastError "the reason is kept"
                again <- Some(startOn portA (named "a again"))
                eventually "a is back" (fun () -> healthy cluster = [ true; true ])
                Expect.equal (wheres cluster 10 |> List.countBy id |> Map.ofList) (Map [ "a again", 5; "b", 5 ]) "in turn again"
            finally
                dispose cluster
                stop b
                again |> Option.iter stop
        }
        test "an endpoint that accepts but never answers PING is taken out by the health check's timeout" {
            let a = start (named "a")
            let hung, hungPort = hungServer ()
            let cluster = connectCluster [ uriOf a; $"redis://127.0.0.1:{hungPort}" ] fastChecks
            try
                eventually "the hung endpoint is out" (fun () -> healthy cluster = [ true; false ])
                Expect.stringContains (nonNull cluster.EndPoints[1].LastError).Message "no health check reply" "why"
                Expect.equal (wheres cluster 6) (List.replicate 6 "a") "every call goes to a"
            finally
                dispose cluster
                stop a
                hung.Stop()
        }
        test "a long call does not fail a health check: checks have their own connection" {
            let a = start (named "a")
            let cluster = connectCluster [ uriOf a ] fastChecks
            try
                let sleeping = clusterCall<int> cluster "sleep" [ arg 1500 ]
                Thread.Sleep 1000
                Expect.equal (healthy cluster) [ true ] "ten checks passed while the call ran"
                Expect.equal (await sleeping) 1500 "the call completes"
            finally
                dispose cluster
                stop a
        }
        test "an endpoint down at connect time comes in when it starts" {
            let a = start (named "a")
            let portB = freePort ()
            let cluster = connectCluster [ uriOf a; $"redis://127.0.0.1:{portB}" ] fastChecks
            let mutable b = None
            try
                Expect.equal (healthy cluster) [ true; false ] "b is down"
                Expect.stringContains (nonNull cluster.EndPoints[1].LastError).Message "could not connect" "why"
                Expect.equal (wheres cluster 4) (List.replicate 4 "a") "calls go to a"
                b <- Some(startOn portB (named "b"))
                eventually "b comes in" (fun () -> healthy cluster = [ true; true ])
                Expect.equal (wheres cluster 4 |> List.sort) [ "a"; "a"; "b"; "b" ] "in turn"
            finally
                dispose cluster
                stop a
                b |> Option.iter stop
        }
        test "no endpoint reachable: ConnectAsync fails with TinoConnectionException; none healthy: calls fail at once" {
            let ports = [ freePort (); freePort () ]
            let error = Throws.Of<TinoConnectionException>(TinoClusterClient.ConnectAsync([ for p in ports -> $"redis://127.0.0.1:{p}" ], fastChecks))
            Expect.stringContains error.Message "could not connect to any of 2 endpoints" "message"
            let a = start (named "a")
            let cluster = connectCluster [ uriOf a ] fastChecks
            try
                stop a
                eventually "a is out" (fun () -> not cluster.IsConnected)
                let clock = Stopwatch.StartNew()
                let failed = Throws.Of<TinoConnectionException>(clusterCall<string> cluster "where" [])
                Expect.isLessThan clock.ElapsedMilliseconds 1000L "at once"
                Expect.stringContains failed.Message "no healthy endpoint" "message"
            finally
                dispose cluster
        }
        test "credentials: in the options or the URI; refused everywhere fails ConnectAsync with TinoAuthenticationException" {
            let a = start (named "a")
            let b = start (named "b")
            try
                let withPassword = TinoClusterOptions(Client = TinoClientOptions(Password = "tinaspassword"))
                let cluster = connectCluster [ uriOf a; uriOf b ] withPassword
                try
                    Expect.equal [ for _ in 1..4 -> await (clusterCall<string> cluster "whoami" []) ] (List.replicate 4 "tina") "AUTH on every endpoint"
                finally
                    dispose cluster
                let fromUri = connectCluster [ $"redis://:bobspassword@127.0.0.1:{portOf a}" ] fastChecks
                try
                    Expect.equal (await (clusterCall<string> fromUri "whoami" [])) "bob" "credentials in the URI"
                    Expect.equal fromUri.EndPoints[0].Address $"redis://127.0.0.1:{portOf a}" "the address leaves them out"
                finally
                    dispose fromUri
                Throws.Of<TinoAuthenticationException>(
                    TinoClusterClient.ConnectAsync([ uriOf a; uriOf b ], TinoClusterOptions(Client = TinoClientOptions(Password = "wrong"))))
                |> ignore
            finally
                stop a
                stop b
        }
        test "endpoints as EndPoint values; a bad URI or an empty list is an argument error; disposed, calls fail" {
            let a = start (named "a")
            try
                let cluster = TinoClusterClient.ConnectAsync([ IPEndPoint(IPAddress.Loopback, portOf a) :> EndPoint ]).GetAwaiter().GetResult()
                Expect.equal (await (clusterCall<string> cluster "where" [])) "a" "an IPEndPoint"
                dispose cluster
                let failed = Throws.Of<TinoConnectionException>(clusterCall<string> cluster "where" [])
                Expect.stringContains failed.Message "disposed" "after DisposeAsync"
                Expect.throwsT<ArgumentException> (fun () -> TinoClusterClient.ConnectAsync([ "http://127.0.0.1:1" ]).GetAwaiter().GetResult() |> ignore) "not a Tino URI"
                Expect.throwsT<ArgumentException> (fun () -> TinoClusterClient.ConnectAsync(List<string>.Empty).GetAwaiter().GetResult() |> ignore) "no endpoint"
            finally
                stop a
        }
        test "an endpoint draining before it stops is taken out by its NOT_READY check: no call fails" {
            let a = (startServerWith (TinoHostOptions(DrainDelay = TimeSpan.FromSeconds 3.0)) (named "a")).GetAwaiter().GetResult()
            let b = start (named "b")
            let cluster = connectCluster [ uriOf a; uriOf b ] fastChecks
            try
                Expect.equal (Set.ofList (wheres cluster 4)) (set [ "a"; "b" ]) "both in turn"
                use stopCalling = new CancellationTokenSource()
                let callers =
                    [ for _ in 1..4 ->
                          Task.Run(fun () ->
                              let mutable answered = 0
                              while not stopCalling.IsCancellationRequested do
                                  await (clusterCall<string> cluster "where" []) |> ignore
                                  answered <- answered + 1
                              answered) ]
                Thread.Sleep 200
                let stopping = a.StopAsync()
                eventually "a is out" (fun () -> healthy cluster = [ false; true ])
                Expect.equal (Set.ofList (wheres cluster 10)) (set [ "b" ]) "every call goes to b while a drains"
                stopCalling.Cancel()
                Expect.all [ for caller in callers -> caller.Result ] (fun answered -> answered > 0) "no caller failed"
                match cluster.EndPoints[0].LastError with
                | :? TinoRemoteException as notReady -> Expect.equal notReady.Code "NOT_READY" "why a is out"
                | other -> failtest $"expected NOT_READY, got {other}"
                stopping.Wait(TimeSpan.FromSeconds 15.0) |> ignore
            finally
                dispose cluster
                stop b
        }
        test "a stream stays on the endpoint that serves it; when that one stops, the stream ends with TinoConnectionException and the next goes to another" {
            let a = start (named "a")
            let b = start (named "b")
            let cluster = connectCluster [ uriOf a; uriOf b ] fastChecks
            try
                let range (n: int) = cluster.StreamAsync<int>("range", CancellationToken.None, ReadOnlySpan [| TinoArg.op_Implicit n |])
                // The first pick of a fresh cluster is the first endpoint: a.
                let items = (range 1_000_000).GetAsyncEnumerator()
                Expect.isTrue (items.MoveNextAsync().AsTask().GetAwaiter().GetResult()) "a first item, from a"
                stop a
                let ended =
                    try
                        while items.MoveNextAsync().AsTask().GetAwaiter().GetResult() do ()
                        None
                    with error -> Some error
                match ended with
                | Some (:? TinoConnectionException) -> ()
                | other -> failtest $"expected TinoConnectionException, got {other}"
                Expect.equal (healthy cluster) [ false; true ] "a is out at once"
                let rest = range 3
                Expect.equal (Linq.AsyncEnumerable.ToListAsync(rest).AsTask().GetAwaiter().GetResult() |> List.ofSeq) [ 0; 1; 2 ] "the next stream, from b"
            finally
                dispose cluster
                stop b
        }
    ]
