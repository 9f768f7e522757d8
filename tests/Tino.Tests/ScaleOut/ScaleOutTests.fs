/// docs/deploy.md run for real: two Tino server processes behind HAProxy (its configuration read from the page),
/// TLS terminated at HAProxy, one server killed with SIGKILL under load; then the same two processes with
/// TinoClusterClient and no load balancer.
module Tino.Tests.ScaleOut.ScaleOutTests

open System
open System.Diagnostics
open System.IO
open System.Net.Security
open System.Net.Sockets
open System.Security.Cryptography.X509Certificates
open System.Text
open System.Text.RegularExpressions
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino.Client
open Tino.Tests.Client.ClientTests
open Tino.Tests.Client.ClusterClientTests
open Tino.Tests.Interop.RealClientTests
open Tino.Tests.ScaleOut.Processes

/// Debian's haproxy, installed when missing; its full path, since /usr/sbin may not be on every PATH.
let haproxy =
    lazy (
        let debian = "/usr/sbin/haproxy"
        if not (File.Exists debian) then (ensureInstalled "haproxy" "haproxy").Force()
        if File.Exists debian then debian else "haproxy")

/// The ```haproxy block of docs/deploy.md with its TLS frontend bound to 127.0.0.1:`tlsPort` with `pem`, and its
/// server lines pointed, in order, at 127.0.0.1:`ports`.
let deployConfig (tlsPort: int) (pem: string) (ports: int list) =
    let page = File.ReadAllText(Path.Combine(repoRoot.Force(), "docs", "deploy.md"))
    let block = Regex.Match(page, @"```haproxy\n(.*?)```", RegexOptions.Singleline)
    if not block.Success then failtest "docs/deploy.md has no ```haproxy block"
    let bind = Regex(@"^(\s*bind\s+)\S+(\s+ssl\s+crt\s+)\S+", RegexOptions.Multiline)
    let server = Regex(@"^(\s*server\s+\S+\s+)\S+", RegexOptions.Multiline)
    let text = block.Groups[1].Value
    Expect.equal (bind.Matches(text).Count) 1 "the page's configuration has one TLS bind line"
    Expect.equal (server.Matches(text).Count) ports.Length "the page's configuration has a server line per instance"
    let bound = bind.Replace(text, MatchEvaluator(fun m -> $"{m.Groups[1].Value}127.0.0.1:{tlsPort}{m.Groups[2].Value}{pem}"))
    let mutable next = -1
    server.Replace(bound, MatchEvaluator(fun m ->
        next <- next + 1
        $"{m.Groups[1].Value}127.0.0.1:{ports[next]}"))

/// What Debian's global section would give, in this test's folder: a stats socket, and state changes logged to stderr.
let globalSection (socket: string) =
    $"global\n    maxconn 1000\n    log stderr format raw local0 notice\n    stats socket {socket} mode 600 level admin\n\n"

/// `show stat` on HAProxy's stats socket: each server of backend `tino` and its status (UP, DOWN, ...).
let serverStates (socket: string) : Map<string, string> =
    use client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
    client.ReceiveTimeout <- 5000
    client.Connect(UnixDomainSocketEndPoint socket)
    client.Send(Encoding.ASCII.GetBytes "show stat\n") |> ignore
    use reader = new StreamReader(new NetworkStream(client))
    let rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries) |> Array.map _.Split(',')
    let status = Array.IndexOf(rows[0], "status")
    rows
    |> Array.filter (fun row -> row.Length > status && row[0] = "tino" && row[1] <> "BACKEND")
    |> Array.map (fun row -> row[1], row[status])
    |> Map.ofArray

/// Loops `add` calls until `stop` fires or one fails; counts the successes in `counts[index]`.
let addLoop (invoke: int -> Task<int64>) (counts: int[]) (index: int) (stop: CancellationToken) : Task<exn option> =
    task {
        let mutable failure = None
        while failure.IsNone && not stop.IsCancellationRequested do
            try
                let! sum = invoke counts[index]
                if sum <> int64 counts[index] + 1L then failwithf "add(%d, 1) replied %d" counts[index] sum
                counts[index] <- counts[index] + 1
            with error ->
                failure <- Some error
        return failure
    }

let isConnectionLoss (failure: exn option) =
    match failure with
    | Some(:? TinoConnectionException) -> true
    | _ -> false

/// Waits, up to `seconds`, for every task to end, whether it succeeded or failed.
let finishWithin (seconds: float) (tasks: Task list) =
    Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds seconds)).Wait()
    if not (List.forall (fun (t: Task) -> t.IsCompleted) tasks) then failtestf "calls still running after %.0f s" seconds

/// Lets the load run for 700 ms, SIGKILLs `victim`, lets the load run `afterMs` more, stops it and waits for every
/// call to end; the workers' success counts at the kill.
let killUnderLoad (victim: Child) (counts: int[]) (stop: CancellationTokenSource) (afterMs: int) (calls: Task list) =
    Thread.Sleep 700
    Expect.isTrue (Array.forall (fun n -> n > 0) counts) "every worker is calling"
    victim.Kill()
    let atKill = Array.copy counts
    Thread.Sleep afterMs
    stop.Cancel()
    finishWithin 15.0 calls
    atKill

[<Tests>]
let scaleOut =
    testSequenced <| testList "Scale-out" [
        test "behind HAProxy with TLS: a server killed under load loses only its own calls, and the checks take it out" {
            let haproxyProgram = haproxy.Force()
            let _, crt, key = Tino.Tests.Hosting.TlsTests.certificateFiles.Force()
            let folder = Directory.CreateTempSubdirectory("tino-haproxy-").FullName
            try
                let pem = Path.Combine(folder, "tino.pem")
                File.WriteAllText(pem, File.ReadAllText(crt).TrimEnd() + "\n" + File.ReadAllText(key).TrimEnd() + "\n")
                use certificate = X509Certificate2.CreateFromPem(File.ReadAllText crt)
                let startedA = startTino 0
                use a = fst startedA
                let startedB = startTino 0
                use b = fst startedB
                let tlsPort = freePort ()
                let socket = Path.Combine(folder, "admin.sock")
                let config = Path.Combine(folder, "haproxy.cfg")
                File.WriteAllText(config, globalSection socket + deployConfig tlsPort pem [ snd startedA; snd startedB ])
                let code, checkOutput = runToEnd haproxyProgram [ "-c"; "-f"; config ] folder [] (TimeSpan.FromSeconds 30.0)
                Expect.equal code 0 $"haproxy -c accepts the configuration:\n{checkOutput}"
                use balancer = new Child(haproxyProgram, [ "-db"; "-f"; config ], folder)
                let states () =
                    try serverStates socket with error -> Map [ "stats socket", error.Message ]
                let explain () = $"{states ()}\n{balancer.Output}"
                waitUntil (TimeSpan.FromSeconds 15.0) explain (fun () -> states () = Map [ "tino1", "UP"; "tino2", "UP" ])

                // Clients over TLS to HAProxy, which must present the certificate of the PEM file.
                let options () =
                    let ours = RemoteCertificateValidationCallback(fun _ presented _ _ ->
                        match presented with
                        | null -> false
                        | presented -> presented.GetCertHashString() = certificate.GetCertHashString())
                    TinoClientOptions(Tls = SslClientAuthenticationOptions(RemoteCertificateValidationCallback = ours))
                let connect () = TinoClient.ConnectAsync($"rediss://127.0.0.1:{tlsPort}", options ()).GetAwaiter().GetResult()
                let clients = ResizeArray<TinoClient>()
                try
                    for _ in 1..16 do
                        clients.Add(connect ())
                    let placed = [ for client in clients -> client, pidOf client ]
                    let onA = placed |> List.filter (fun (_, pid) -> pid = a.Id) |> List.map fst
                    let onB = placed |> List.filter (fun (_, pid) -> pid = b.Id) |> List.map fst
                    Expect.equal (onA.Length, onB.Length) (8, 8) "round robin spreads the 16 connections over both servers"

                    // Load: on half of each server's connections a 3 s call; on the other half, add calls in a loop.
                    let sleepersA, workersA = List.splitAt 4 onA
                    let sleepersB, workersB = List.splitAt 4 onB
                    let sleep client = call<int> client "sleep" [ arg 3000 ]
                    let sleepsA = List.map sleep sleepersA
                    let sleepsB = List.map sleep sleepersB
                    use stop = new CancellationTokenSource()
                    let workers = workersA @ workersB
                    let counts = Array.zeroCreate workers.Length
                    let loops =
                        workers |> List.mapi (fun i client -> addLoop (fun n -> call<int64> client "add" [ arg n; arg 1 ]) counts i stop.Token)
                    let atKill = killUnderLoad a counts stop 1000 ([ for t in sleepsA @ sleepsB -> t :> Task ] @ [ for t in loops -> t :> Task ])

                    for sleeping in sleepsA do
                        Throws.Of<TinoConnectionException>(sleeping) |> ignore
                    for sleeping in sleepsB do
                        Expect.equal sleeping.Result 3000 "a call in flight on the live server completes"
                    let failures = [ for loop in loops -> loop.Result ]
                    Expect.isTrue (failures |> List.take 4 |> List.forall isConnectionLoss) $"the killed server's calls fail with TinoConnectionException: {failures}"
                    Expect.equal (failures |> List.skip 4) [ None; None; None; None ] "no call on the live server fails"
                    for i in 4..7 do
                        Expect.isGreaterThan counts[i] atKill[i] "calls on the live server went on after the kill"

                    // The following calls succeed: the dropped clients reconnect, and HAProxy sends them to the live server.
                    for client in clients do
                        waitUntil (TimeSpan.FromSeconds 15.0) (fun () -> "a client reconnects") (fun () -> client.IsConnected)
                        for i in 1..5 do
                            Expect.equal (await (call<int64> client "add" [ arg i; arg i ])) (int64 (2 * i)) "a following call"
                        Expect.equal (pidOf client) b.Id "every connection now reaches the live server"

                    // The health check (redis-check, fall 2) takes the dead server out.
                    waitUntil (TimeSpan.FromSeconds 15.0) explain (fun () -> states () = Map [ "tino1", "DOWN"; "tino2", "UP" ])
                    for _ in 1..6 do
                        let fresh = connect ()
                        clients.Add fresh
                        Expect.equal (pidOf fresh) b.Id "a new connection lands on the live server"
                finally
                    for client in clients do
                        client.DisposeAsync().AsTask().Wait()
            finally
                Directory.Delete(folder, true)
        }
        test "TinoClusterClient over two server processes, no load balancer: a server killed under load, failover, and back in turn" {
            let startedA = startTino 0
            use a = fst startedA
            let portA = snd startedA
            let startedB = startTino 0
            use b = fst startedB
            let uris = [ $"redis://127.0.0.1:{portA}"; $"redis://127.0.0.1:{snd startedB}" ]
            let options = TinoClusterOptions(HealthCheckInterval = TimeSpan.FromMilliseconds 200.0, HealthCheckTimeout = TimeSpan.FromMilliseconds 500.0)
            let cluster = connectCluster uris options
            // Long calls on their own connections, so they do not hold up the workers' calls.
            let sleepers = connectCluster uris options
            try
                let seen = [ for _ in 1..10 -> clusterPidOf cluster ]
                Expect.equal (seen |> List.countBy id |> Map.ofList) (Map [ a.Id, 5; b.Id, 5 ]) "calls take turns"

                let sleeps = [ for _ in 1..4 -> clusterCall<int> sleepers "sleep" [ arg 3000 ] ]
                use stop = new CancellationTokenSource()
                let counts = Array.zeroCreate 8
                let failures = Collections.Concurrent.ConcurrentQueue<int * exn>()
                let loops =
                    [ for i in 0..7 ->
                        task {
                            while not stop.IsCancellationRequested do
                                // A failed call ends nothing: the next one goes to a healthy endpoint.
                                match! addLoop (fun n -> clusterCall<int64> cluster "add" [ arg n; arg 1 ]) counts i stop.Token with
                                | Some failure -> failures.Enqueue((i, failure))
                                | None -> ()
                        } :> Task ]
                let atKill = killUnderLoad a counts stop 1500 ([ for t in sleeps -> t :> Task ] @ loops)

                let outcomes = [ for sleeping in sleeps -> if sleeping.IsCompletedSuccessfully then "done" else "failed" ]
                Expect.equal (List.sort outcomes) [ "done"; "done"; "failed"; "failed" ] "of four long calls in turn, the two on the killed server fail"
                for sleeping in sleeps do
                    if not sleeping.IsCompletedSuccessfully then Throws.Of<TinoConnectionException>(sleeping) |> ignore
                let failed = List.ofSeq failures
                Expect.isNonEmpty failed "calls in flight on the killed server fail"
                for _, failure in failed do
                    Expect.isTrue (isConnectionLoss (Some failure)) $"with TinoConnectionException: {failure}"
                Expect.equal (failed |> List.countBy fst |> List.filter (fun (_, n) -> n > 1)) [] "no worker fails twice: after its call in flight, the next goes to the live server"
                for i in 0..7 do
                    Expect.isGreaterThan counts[i] atKill[i] "every worker's calls went on after the kill"

                let statuses = cluster.EndPoints
                Expect.equal [ for s in statuses -> s.IsHealthy ] [ false; true ] "the killed server is out"
                Expect.isNotNull statuses[0].LastError "with the reason"
                Expect.equal [ for _ in 1..10 -> clusterPidOf cluster ] (List.replicate 10 b.Id) "the following calls go to the live server"

                let startedAgain = startTino portA
                use again = fst startedAgain
                waitUntil (TimeSpan.FromSeconds 10.0) (fun () -> $"{cluster.EndPoints}") (fun () -> cluster.EndPoints |> Seq.forall _.IsHealthy)
                Expect.equal ([ for _ in 1..10 -> clusterPidOf cluster ] |> List.countBy id |> Map.ofList) (Map [ again.Id, 5; b.Id, 5 ]) "the restarted server is back in turn"
            finally
                dispose sleepers
                dispose cluster
        }
    ]
