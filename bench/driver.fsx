// The load driver: every comparison of docs/benchmarks.md in one command, which also writes that file.
// Usage: dotnet fsi build.fsx bench [--quick] [--rounds N] [--out path.md]
//    or: dotnet fsi bench/driver.fsx [the same options]
// It installs redis-server and redis-tools when missing (and Garnet, a dotnet tool, under artifacts/), builds in
// Release what it runs, starts every server itself (each on its own port) and stops them all at the end, also when
// something fails.
// The modules under bench/driver/ are loaded here once, in order (a file #load-ed twice would define its types twice).
#load "driver/Processes.fsx" "driver/Model.fsx" "driver/Measurements.fsx" "driver/Comparisons.fsx"
#load "driver/Payloads.fsx" "driver/CallContext.fsx" "driver/Structured.fsx" "driver/FanOut.fsx" "driver/PayloadMemory.fsx" "driver/NativeAot.fsx" "driver/Machine.fsx" "driver/Chart.fsx" "driver/Report.fsx"

open System
open System.IO
open Processes
open Model
open Comparisons

let usage () =
    eprintfn "usage: dotnet fsi build.fsx bench [--quick] [--rounds N] [--out docs/benchmarks.md]"
    eprintfn "       dotnet fsi build.fsx bench micro [BenchmarkDotNet arguments]"
    exit 2

/// Options over the defaults, or over the quick settings when --quick is among them (wherever it stands).
let rec parse (settings: Settings) (args: string list) =
    match args with
    | [] -> settings
    | "--quick" :: rest -> parse settings rest
    | "--rounds" :: rounds :: rest -> parse { settings with Rounds = int rounds } rest
    | "--out" :: path :: rest -> parse { settings with Out = path } rest
    | _ -> usage ()

let arguments = fsi.CommandLineArgs |> Array.toList |> List.tail
let settings = parse (if List.contains "--quick" arguments then quick else defaults) arguments

/// Everything the driver runs, built in Release; the peers only when their projects are there, Garnet when it installs.
let buildAll () =
    ensureRedis ()
    build "samples/QuickStart"
    build "samples/InteropServer.CSharp"
    build "bench/ClientLoad"
    build Structured.ordersProject
    build FanOut.project
    let grpc = buildPeer grpcPeer
    let http = buildPeer httpPeer
    grpc, http, installGarnet ()

/// Garnet's version, when it is installed.
let garnetVersion (installed: Outcome<unit>) =
    match installed with
    | Measured() -> [ ("garnet-server", firstLine garnetProgram [ "--version" ]) ]
    | _ -> []

/// Tino and redis-server stay up for the throughput comparisons and the call context's cost; each peer runs only for
/// its own.
let throughput (grpcBuilt: Outcome<unit>) (httpBuilt: Outcome<unit>) =
    let tinoPort = freePort 7611
    let redisPort = freePort (tinoPort + 1)
    let tino = startTino tinoPort
    let redis = startRedis redisPort
    try
        warmUp settings tinoPort
        let pipelines = [ 16; 1 ] |> List.map (pipelineComparison settings tinoPort redisPort)
        let cpu = [ 16; 1 ] |> List.map (cpuCost settings tino redis)
        let sweep = sweep settings tinoPort redisPort
        let clients =
            [ redisClients settings tinoPort redisPort
              peerComparison settings tinoPort grpcPeer grpcBuilt 5.0
              peerComparison settings tinoPort httpPeer httpBuilt 5.0 ]
        let context = CallContext.measure settings tinoPort
        pipelines @ clients, context, sweep, cpu
    finally
        stop tino
        stop redis

let notes () =
    let file = Path.Combine(root, "bench", "benchmarks-notes.md")
    if File.Exists file then File.ReadAllText file else "(bench/benchmarks-notes.md is missing.)\n"

let write (run: Run) =
    let out = Path.Combine(root, settings.Out)
    Directory.CreateDirectory(Path.GetDirectoryName out) |> ignore
    File.WriteAllText(out, Report.markdown run)
    match run.Sweep.Outcome with
    | Measured points ->
        let chart = Path.Combine(Path.GetDirectoryName out, "benchmarks-pipeline.svg")
        File.WriteAllText(chart, Chart.pipelineChart "Requests per second against pipeline depth (redis-benchmark -c 50)" points)
        printfn "wrote %s and %s" out chart
    | _ -> printfn "wrote %s (no chart: the sweep was not measured)" out

/// How many figures failed (skipped ones, such as a missing peer, do not count): the driver then exits with 1.
let failures (run: Run) =
    let failed =
        function
        | Failed _ -> 1
        | _ -> 0
    (run.Comparisons |> List.sumBy (fun comparison -> failed comparison.Outcome))
    + failed run.Sweep.Outcome
    + failed run.Memory.Tino
    + failed run.Memory.Redis
    + failed run.Allocation.Outcome
    + (run.Cpu |> List.sumBy (fun figure -> failed figure.Outcome))
    + failed run.PayloadMemory
    + failed run.NativeAot
    + ([ run.Payloads; run.Structured; run.FanOut; Measured [ run.CallContext ] ]
       |> List.sumBy (function
           | Measured groups -> groups |> List.sumBy (fun group -> group.Figures |> List.sumBy (fun figure -> failed figure.Outcome))
           | outcome -> failed outcome))

let main () =
    let started = DateTime.UtcNow
    let loadBefore = Machine.loadAverage ()
    printfn "Tino load driver: %d round(s)%s, report to %s" settings.Rounds (if settings.Quick then " (quick)" else "") settings.Out
    try
        let grpcBuilt, httpBuilt, garnetInstalled = buildAll ()
        let machine = Machine.machine ()
        let versions = Machine.versions () @ garnetVersion garnetInstalled
        let comparisons, context, sweep, cpu = throughput grpcBuilt httpBuilt
        let payloadPorts = Payloads.ports 7641
        let payloads = attempt "payloads" (fun () -> Payloads.measure settings payloadPorts garnetInstalled)
        let payloadMemory = attempt "payload memory" (fun () -> PayloadMemory.measure settings 7661)
        let structuredPorts = Structured.ports 7651
        let structured = attempt "structured payloads" (fun () -> Structured.measure settings structuredPorts grpcBuilt httpBuilt)
        let fanOutPorts = FanOut.ports 7671
        let fanOut = attempt "server events fan-out" (fun () -> FanOut.measure settings fanOutPorts)
        let nativeAot = attempt "Native AOT against JIT" (fun () -> NativeAot.measure settings)
        let memory = memory settings 7631
        let allocation =
            { Command = Measurements.bdnShown settings
              Outcome = attempt "allocation per call" (fun () -> Measurements.allocation settings) }
        let load = [ "load average (1, 5, 15 min) at start", loadBefore; "load average at end", Machine.loadAverage () ]
        let run =
            { Settings = settings
              Arguments = arguments
              Started = started
              Finished = DateTime.UtcNow
              Machine = machine @ load
              Versions = versions
              Comparisons = comparisons
              CallContext = context
              Sweep = sweep
              Memory = memory
              Allocation = allocation
              Cpu = cpu
              Payloads = payloads
              PayloadServers = Payloads.serversShown payloadPorts garnetInstalled
              Structured = structured
              StructuredServers = Structured.serversShown structuredPorts
              FanOut = fanOut
              FanOutServers = FanOut.serversShown fanOutPorts
              PayloadMemory = payloadMemory
              NativeAot = nativeAot
              Notes = notes () }
        write run
        printfn "\n%s" (String.Join("\n", Report.summary run))
        failures run
    finally
        stopAll ()

exit (if main () > 0 then 1 else 0)
