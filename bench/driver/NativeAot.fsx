// The C# interop server published with Native AOT against the same server on the JIT: how long each takes from
// starting to its first reply, what it holds when idle, what it weighs on disk, and ADD's throughput. Loaded by
// bench/driver.fsx after Processes, Model, Measurements and Comparisons.
module NativeAot

open System
open System.Diagnostics
open System.IO
open Processes
open Model
open Measurements
open Comparisons

let private artifacts = "artifacts/aot"
let private binary = $"{artifacts}/publish/InteropServer.CSharp"

/// How the native server is published: as the test suite publishes it, into artifacts/aot, with MessagePack's own two
/// warnings (IL2104, IL3053) left as warnings. The folders are given whole: each project would read a relative
/// ArtifactsPath from its own folder.
let private publishArgs (folder: string -> string) =
    [ "publish"; "samples/InteropServer.CSharp"; "-c"; "Release"; "-r"; "linux-x64"; "-p:PublishAot=true"
      "-p:UseArtifactsOutput=true"; $"-p:ArtifactsPath={folder artifacts}"; "-o"; folder $"{artifacts}/publish" ]

let publish () =
    printfn "publishing the C# interop server with Native AOT"
    runOrFail "dotnet" (publishArgs (fun folder -> Path.Combine(root, folder))) (TimeSpan.FromMinutes 15.0) |> ignore

let private sizeOf (files: string seq) = files |> Seq.sumBy (fun file -> FileInfo(file).Length)

/// The framework-dependent build: the app's own files without symbols and docs; the .NET runtime comes on top.
let private jitFiles () =
    Directory.GetFiles(Path.Combine(root, Path.GetDirectoryName interopDll))
    |> Seq.filter (fun file -> not (file.EndsWith ".pdb" || file.EndsWith ".xml"))

/// The shared runtime the JIT build needs installed (Microsoft.NETCore.App of the running version).
let private runtimeBytes () =
    let folder = Path.GetDirectoryName(typeof<obj>.Assembly.Location)
    sizeOf (Directory.GetFiles(folder, "*", SearchOption.AllDirectories)), folder

/// Starts a server, times its first reply to ADD 1 2, reads its idle VmRSS, then runs `afterwards` on its port.
let private startOnce (name: string) (file: string) (args: string list) (afterwards: int -> float) =
    let port = freePort 7681
    let clock = Stopwatch.StartNew()
    let server = start name file (args @ [ "--port"; string port ]) port
    try
        let mutable answered = false
        while not answered do
            if server.Process.HasExited then failwithf "%s exited before replying" name
            if clock.Elapsed > TimeSpan.FromSeconds 60.0 then failwithf "%s did not reply within 60 s" name
            answered <- (try command port [ "ADD"B; [| 1uy |]; [| 2uy |] ] = "$1" with _ -> false)
            if not answered then Threading.Thread.Sleep 1
        let startup = clock.Elapsed.TotalMilliseconds
        Threading.Thread.Sleep 1000
        let idle = residentKiB server.Process.Id
        startup, idle, afterwards port
    finally
        stop server

let measure (settings: Settings) : NativeAotFigure =
    publish ()
    let add port =
        redisBenchmark (addCall settings port 16) |> ignore // warm-up: the JIT's tiers, the pools
        redisBenchmark (addCall settings port 16)
    let rounds =
        [ for _ in 1 .. settings.Rounds ->
              let aot = startOnce "Tino (Native AOT)" (Path.Combine(root, binary)) [] add
              let jit = startOnce "Tino (JIT)" "dotnet" [ Path.Combine(root, interopDll) ] add
              aot, jit ]
    let build name command (pick: (float * int64 * float) * (float * int64 * float) -> float * int64 * float) size shown =
        let taken = rounds |> List.map pick
        { Name = name
          Command = command
          StartupMs = taken |> List.map (fun (startup, _, _) -> startup)
          IdleKiB = taken |> List.map (fun (_, idle, _) -> idle)
          SizeBytes = size
          Size = shown }
    let runtime, runtimeFolder = runtimeBytes ()
    let jitSize = sizeOf (jitFiles ())
    { Aot = build "Native AOT" $"{binary} --port <port>" fst (FileInfo(Path.Combine(root, binary)).Length) "the one native executable"
      Jit =
        build "JIT" (interopShown "<port>") snd jitSize
            $"the app's assemblies (no .pdb, .xml), plus the shared .NET runtime it needs: {number (float runtime / 1048576.0)} MiB in {runtimeFolder}"
      Add = rounds |> List.map (fun ((_, _, aot), (_, _, jit)) -> { A = aot; B = jit })
      Commands = ("dotnet " + String.Join(" ", publishArgs (fun folder -> $"$PWD/{folder}"))) :: [ (addCall settings 0 16).Shown.Replace("-p 0", "-p <port>") + "   # after one warm-up run" ] }

let private mib (bytes: float) = (bytes / 1048576.0).ToString("0.0", Globalization.CultureInfo.InvariantCulture)

let private twoPlaces (value: float) = value.ToString("0.00", Globalization.CultureInfo.InvariantCulture)

/// The report's section.
let section (outcome: Outcome<NativeAotFigure>) =
    let header =
        [ "## Native AOT against JIT"
          ""
          "The C# interop server (samples/InteropServer.CSharp) published with Native AOT, against the same server run on"
          "the JIT (`dotnet InteropServer.CSharp.dll`). In each round both start afresh, Native AOT first: the time from"
          "starting the process to the first reply to `ADD 1 2` (polled every millisecond on new connections), VmRSS a"
          "second later with nothing connected, then redis-benchmark's ADD at -P 16 after one warm-up run. Medians of the"
          "rounds."
          ""
          "```bash" ]
    match outcome with
    | Measured figure ->
        let row (build: ServerBuild) (rps: float) =
            $"| {build.Name} | {twoPlaces (median build.StartupMs)} ms | {mib (median (build.IdleKiB |> List.map (float >> (*) 1024.0)))} MiB | {mib (float build.SizeBytes)} MiB: {build.Size} | {number rps} |"
        header
        @ figure.Commands
        @ [ "```"
            ""
            "| build | start-up to first reply | VmRSS idle | on disk | ADD req/s (-P 16) |"
            "|---|---:|---:|---|---:|"
            row figure.Aot (figure.Add |> List.map _.A |> median)
            row figure.Jit (figure.Add |> List.map _.B |> median)
            ""
            $"ADD, Native AOT against JIT: **{twoPlaces (medianRatio figure.Add)}×** (median of the rounds' ratios)."
            "" ]
    | Skipped reason -> header @ [ "```"; ""; $"Skipped: {reason}."; "" ]
    | Failed message -> header @ [ "```"; ""; $"Failed: {message}."; "" ]
