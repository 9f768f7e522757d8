// The servers the driver starts and the comparisons it runs with them, each pair alternated A B A B.
// Loaded by bench/driver.fsx after Processes, Model and Measurements.
module Comparisons


open System
open System.IO
open Processes
open Model
open Measurements

let quickStartDll = "samples/QuickStart/bin/Release/net10.0/QuickStart.dll"

/// A peer server (another RPC stack serving add) built from a project inside bench/.
type Peer = { Name: string; Target: string; Project: string; Dll: string; Description: string }

let grpcPeer =
    { Name = "gRPC peer"
      Target = "grpc"
      Project = "bench/Peers/GrpcPeer/GrpcPeer.csproj"
      Dll = "bench/Peers/GrpcPeer/bin/Release/net10.0/GrpcPeer.dll"
      Description = "gRPC unary Add, one channel" }

let httpPeer =
    { Name = "HTTP peer"
      Target = "http"
      Project = "bench/Peers/HttpPeer/HttpPeer.csproj"
      Dll = "bench/Peers/HttpPeer/bin/Release/net10.0/HttpPeer.dll"
      Description = "ASP.NET Core minimal API POST /add (JSON) through HttpClient" }

/// Builds a peer when its project is there; a missing project skips its comparison instead of failing the run.
let buildPeer (peer: Peer) : Outcome<unit> =
    if File.Exists(Path.Combine(root, peer.Project)) then
        attempt $"building {peer.Project}" (fun () -> build peer.Project)
    else
        printfn "%s is missing: the %s comparison is skipped" peer.Project peer.Name
        Skipped $"`{peer.Project}` is missing"

// ---- servers ----

let readyOrStopped (ready: Server -> bool) (server: Server) =
    try
        waitUntil ready (TimeSpan.FromSeconds 60.0) server
        server
    with _ ->
        stop server
        reraise ()

let tinoShown port = $"dotnet {quickStartDll} --port {port}"

let startTino (port: int) =
    start "Tino (QuickStart)" "dotnet" [ quickStartDll; "--port"; string port ] port |> readyOrStopped respReady

let redisShown port = [ $"redis-server --port {port} --save \"\" --appendonly no"; $"redis-cli -p {port} SET key $'\\x03'" ]

/// redis-server without persistence, with `key` set to the byte 3 (the MessagePack of 3, what ADD 1 2 replies).
let startRedis (port: int) =
    let server =
        start "redis-server" "redis-server" [ "--port"; string port; "--save"; ""; "--appendonly"; "no" ] port
        |> readyOrStopped respReady
    let reply = command port [ "SET"B; "key"B; [| 3uy |] ]
    if reply <> "+OK" then
        stop server
        failwithf "SET key on redis-server replied %s" reply
    server

let interopDll = "samples/InteropServer.CSharp/bin/Release/net10.0/InteropServer.CSharp.dll"

let interopShown port = $"dotnet {interopDll} --port {port}"

/// The C# interop server, Tino for the payload comparisons: it has echo_bin, blob and blob_len.
let startInterop (port: int) =
    start "Tino (InteropServer.CSharp)" "dotnet" [ interopDll; "--port"; string port ] port |> readyOrStopped respReady

let garnetFolder = "artifacts/tools/garnet"

let garnetProgram = Path.Combine(root, garnetFolder, "garnet-server")

let garnetInstallShown = $"dotnet tool install garnet-server --tool-path {garnetFolder}"

/// Garnet (Microsoft's RESP server, a .NET tool on NuGet), installed under artifacts/ when it is not there yet.
/// Garnet is a reference, not what is measured: when it cannot be installed, its columns are skipped, not failed.
let installGarnet () : Outcome<unit> =
    if File.Exists garnetProgram then
        Measured()
    else
        printfn "installing Garnet: %s" garnetInstallShown
        let install () =
            runOrFail "dotnet" [ "tool"; "install"; "garnet-server"; "--tool-path"; garnetFolder ] (TimeSpan.FromMinutes 5.0)
            |> ignore
        match attempt "installing garnet-server" install with
        | Failed message -> Skipped $"`{garnetInstallShown}` failed: {message}"
        | outcome -> outcome

let garnetShown port = $"{garnetFolder}/garnet-server --port {port} --bind 127.0.0.1"

let startGarnet (port: int) =
    start "Garnet" garnetProgram [ "--port"; string port; "--bind"; "127.0.0.1" ] port |> readyOrStopped respReady

let peerShown (peer: Peer) port = $"dotnet {peer.Dll} --port {port}"

let startPeer (peer: Peer) (port: int) =
    start peer.Name "dotnet" [ peer.Dll; "--port"; string port ] port |> readyOrStopped peerReady

// ---- comparisons ----

/// Measures A then B, `rounds` times, printing each round.
let alternate (settings: Settings) (title: string) (a: unit -> float) (b: unit -> float) : Round list =
    [ for index in 1 .. settings.Rounds ->
          let rateA = a ()
          let rateB = b ()
          printfn "%s, round %d: %.0f / %.0f = %.2f" title index rateA rateB (rateA / rateB)
          { A = rateA; B = rateB } ]

/// One redis-benchmark run against Tino before anything is measured (JIT and tiered compilation).
let warmUp (settings: Settings) (tinoPort: int) =
    printfn "warming Tino up: %s" (addCall settings tinoPort 16).Shown
    redisBenchmark (addCall settings tinoPort 16) |> ignore

let pipelineComparison (settings: Settings) (tinoPort: int) (redisPort: int) (pipeline: int) : Comparison =
    let add = addCall settings tinoPort pipeline
    let get = getCall settings redisPort pipeline
    let title = $"redis-benchmark -c {settings.Clients} -P {pipeline}: Tino ADD against redis-server GET"
    { Title = title
      A = "Tino ADD"
      B = "redis-server GET"
      Unit = "req/s"
      Target = 1.0
      Commands = [ add.Shown; get.Shown ]
      Outcome =
        attempt title (fun () -> alternate settings title (fun () -> redisBenchmark add) (fun () -> redisBenchmark get)) }

/// CPU per request and sleeps per request for both servers, and CPU for redis-benchmark: which side bounds the ratio.
let cpuCost (settings: Settings) (tino: Server) (redis: Server) (pipeline: int) : CpuFigure =
    let add = addCall settings tino.Port pipeline
    let get = getCall settings redis.Port pipeline
    let cost name (call: BenchCommand) (server: Server) =
        let requests = float (requests settings pipeline)
        let rate, client, used, sleeps = redisBenchmarkCpu call server.Process.Id
        let figure =
            { Server = name
              RequestsPerSecond = rate
              ClientNsPerRequest = client * 1e9 / requests
              ServerNsPerRequest = used * 1e9 / requests
              ServerSleepsPerRequest = float sleeps / requests
              ClientBusy = client / (requests / rate) }
        printfn "CPU per request at -P %d, %s: %.0f req/s, redis-benchmark %.0f ns (busy %.0f %%), server %.0f ns, %.3f sleeps" pipeline name rate figure.ClientNsPerRequest (figure.ClientBusy * 100.0) figure.ServerNsPerRequest figure.ServerSleepsPerRequest
        figure
    { Pipeline = pipeline
      Commands = [ $"bash -c 'redis-benchmark \"$@\"; times' redis-benchmark {add.Shown.Substring(16)}"; "… and the same with " + get.Shown.Substring(16) ]
      Outcome = attempt "CPU per request" (fun () -> [ for _ in 1 .. settings.Rounds do yield cost "Tino ADD" add tino; yield cost "redis-server GET" get redis ]) }

let depths = [ 1; 2; 4; 8; 16; 32; 64 ]

/// Each depth once, Tino then redis-server, for the chart.
let sweep (settings: Settings) (tinoPort: int) (redisPort: int) : Sweep =
    let point depth =
        let tino = redisBenchmark (addCall settings tinoPort depth)
        let redis = redisBenchmark (getCall settings redisPort depth)
        printfn "sweep -P %d: Tino %.0f, redis-server %.0f req/s" depth tino redis
        { Depth = depth; Tino = tino; Redis = redis }
    let template (call: BenchCommand) =
        call.Shown.Replace($"-n {requests settings 64}", "-n <n>").Replace("-P 64", "-P <p>")
    { Commands = [ template (addCall settings tinoPort 64); template (getCall settings redisPort 64) ]
      Outcome = attempt "pipeline sweep" (fun () -> List.map point depths) }

/// What a client comparison runs; its outcome is filled in by `measureClients`.
let clientComparison (settings: Settings) (tinoPort: int) (b: string) (target: string) (port: int) (ratio: float) =
    { Title = $"{settings.Clients} callers: Tino client add(1, 2) on one connection, against {b}"
      A = "Tino client → Tino"
      B = b
      Unit = "calls/s"
      Target = ratio
      Commands = [ clientLoadShown settings "tino" tinoPort []; clientLoadShown settings target port [] ]
      Outcome = Skipped "not run" }

/// ClientLoad against Tino, then against the other target, alternated.
let measureClients (settings: Settings) (tinoPort: int) (target: string) (port: int) (comparison: Comparison) =
    let rounds () =
        alternate settings comparison.Title (fun () -> clientLoad settings "tino" tinoPort []) (fun () ->
            clientLoad settings target port [])
    { comparison with Outcome = attempt comparison.Title rounds }

/// The Tino client against StackExchange.Redis calling GET on redis-server.
let redisClients (settings: Settings) (tinoPort: int) (redisPort: int) =
    clientComparison settings tinoPort "StackExchange.Redis GET on redis-server, one connection" "redis" redisPort 1.0
    |> measureClients settings tinoPort "redis" redisPort

/// Against a peer: started for this comparison only, or skipped when it could not be built.
let peerComparison (settings: Settings) (tinoPort: int) (peer: Peer) (built: Outcome<unit>) (ratio: float) =
    let port = freePort (tinoPort + 10)
    let planned = clientComparison settings tinoPort peer.Description peer.Target port ratio
    let planned = { planned with Commands = peerShown peer port :: planned.Commands }
    match built with
    | Skipped reason -> { planned with Outcome = Skipped reason }
    | Failed message -> { planned with Outcome = Failed $"the build failed: {message}" }
    | Measured() ->
        match attempt peer.Name (fun () -> startPeer peer port) with
        | Measured server -> withServer server (fun _ -> measureClients settings tinoPort peer.Target port planned)
        | Failed message -> { planned with Outcome = Failed message }
        | Skipped reason -> { planned with Outcome = Skipped reason }

/// Memory per idle connection of a freshly started Tino and, for reference, a freshly started redis-server.
let memory (settings: Settings) (firstPort: int) : MemoryFigure =
    let tinoPort = freePort firstPort
    let tino = attempt "memory (Tino)" (fun () -> withServer (startTino tinoPort) (idleMemory settings true))
    let redisPort = freePort (firstPort + 1)
    let redis = attempt "memory (redis-server)" (fun () -> withServer (startRedis redisPort) (idleMemory settings false))
    { Tino = tino
      Redis = redis
      TargetKiB = 16.0
      Commands = [ tinoShown tinoPort ] @ redisShown redisPort }
