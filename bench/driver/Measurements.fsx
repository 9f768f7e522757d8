// One measurement each: a redis-benchmark run, a ClientLoad run, memory per idle connection, allocation per call.
// Loaded by bench/driver.fsx after Processes and Model.
module Measurements


open System
open System.Globalization
open System.IO
open System.Net
open System.Net.Sockets
open System.Text.RegularExpressions
open Processes
open Model

let private invariant (text: string) = Double.Parse(text, CultureInfo.InvariantCulture)

// ---- redis-benchmark ----

/// A redis-benchmark command line: what runs, the file its standard input comes from (-x: the last argument), and
/// how the report shows it (bash quoting for the raw bytes).
type BenchCommand = { Args: string list; Input: string option; Shown: string }

let benchCommandOf (settings: Settings) (port: int) (pipeline: int) (requests: int) (call: string list) (shownCall: string) =
    let options =
        [ "-h"; "127.0.0.1"; "-p"; string port; "-c"; string settings.Clients
          "-n"; string requests; "-P"; string pipeline; "-q" ]
    { Args = options @ call; Input = None; Shown = "redis-benchmark " + String.Join(" ", options) + " " + shownCall }

let benchCommand (settings: Settings) (port: int) (pipeline: int) (call: string list) (shownCall: string) =
    benchCommandOf settings port pipeline (requests settings pipeline) call shownCall

/// redis-benchmark -x: the command's last argument is the file's bytes, read from standard input.
let benchCommandWithFile settings port pipeline requests (call: string list) (file: string) =
    let command = benchCommandOf settings port pipeline requests ("-x" :: call) (String.Join(" ", "-x" :: call))
    { command with Input = Some file; Shown = $"{command.Shown} < {file}" }

/// Tino's ADD 1 2, the arguments being the MessagePack bytes of 1 and 2.
let addCall settings port pipeline = benchCommand settings port pipeline [ "ADD"; "\u0001"; "\u0002" ] "ADD $'\\x01' $'\\x02'"

let getCall settings port pipeline = benchCommand settings port pipeline [ "GET"; "key" ] "GET key"

/// The last "N requests per second" redis-benchmark -q printed (it redraws its progress line with \r).
let requestsPerSecond (output: string) =
    output.Split([| '\r'; '\n' |], StringSplitOptions.RemoveEmptyEntries)
    |> Array.filter (fun line -> line.Contains "requests per second")
    |> Array.tryLast
    |> Option.map (fun line -> Regex.Match(line, @"([0-9.]+) requests per second"))
    |> function
        | Some found when found.Success -> invariant found.Groups[1].Value
        | _ -> failwithf "no 'requests per second' in redis-benchmark's output:\n%s" output

/// Runs redis-benchmark to its end and returns what it printed; fails unless it exits with 0.
let runBenchmark (command: BenchCommand) : string =
    let result = runFrom command.Input "redis-benchmark" command.Args (TimeSpan.FromMinutes 5.0)
    if result.Code <> 0 then
        failwithf "%s exited with %d: %s %s" command.Shown result.Code result.Out result.Err
    result.Out

let redisBenchmark (command: BenchCommand) : float = requestsPerSecond (runBenchmark command)

/// User and system CPU seconds a process has used, from /proc/<pid>/stat (utime and stime, in 1/100 s).
let processCpuSeconds (pid: int) =
    let stat = File.ReadAllText $"/proc/{pid}/stat"
    let fields = stat.Substring(stat.LastIndexOf ')' + 2).Split ' '
    float (int64 fields[11] + int64 fields[12]) / 100.0

/// How many times the process's threads have gone to sleep waiting (voluntary context switches, from
/// /proc/<pid>/task/*/status). Each sleep of a server's loop is one more wake-up that whoever sends to it pays for.
let processSleeps (pid: int) =
    Directory.GetDirectories $"/proc/{pid}/task"
    |> Array.sumBy (fun task ->
        try
            File.ReadLines(Path.Combine(task, "status"))
            |> Seq.tryFind (fun line -> line.StartsWith "voluntary_ctxt_switches:")
            |> Option.map (fun line -> int64 (line.Split(':').[1].Trim()))
            |> Option.defaultValue 0L
        with :? IOException -> 0L) // a thread that ended meanwhile

/// "0m1.340s" as seconds.
let private shellSeconds (text: string) =
    let found = Regex.Match(text, @"(\d+)m([0-9.]+)s")
    float found.Groups[1].Value * 60.0 + invariant found.Groups[2].Value

/// One redis-benchmark run under bash's `times` (its last line is the CPU its children used), with the server's
/// CPU time and sleeps read before and after: requests per second, client and server CPU seconds, server sleeps.
let redisBenchmarkCpu (command: BenchCommand) (serverPid: int) =
    let serverBefore = processCpuSeconds serverPid
    let sleepsBefore = processSleeps serverPid
    let result = run "bash" ([ "-c"; "redis-benchmark \"$@\"; times"; "redis-benchmark" ] @ command.Args) (TimeSpan.FromMinutes 5.0)
    let serverAfter = processCpuSeconds serverPid
    let sleepsAfter = processSleeps serverPid
    if result.Code <> 0 then
        failwithf "%s exited with %d: %s %s" command.Shown result.Code result.Out result.Err
    let children = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries) |> Array.last
    let client = children.Split ' ' |> Array.sumBy shellSeconds
    requestsPerSecond result.Out, client, serverAfter - serverBefore, sleepsAfter - sleepsBefore

// ---- ClientLoad ----

let clientLoadDll = "bench/ClientLoad/bin/Release/net10.0/ClientLoad.dll"

/// ClientLoad's command line; `extra` adds options (`--payload <bytes>`).
let clientLoadArgs (settings: Settings) (target: string) (port: int) (extra: string list) =
    [ clientLoadDll; "--target"; target; "--address"; $"127.0.0.1:{port}"; "--callers"; string settings.Clients
      "--seconds"; string settings.Seconds; "--warmup"; string settings.Warmup ]
    @ extra

let clientLoadShown settings target port extra = "dotnet " + String.Join(" ", clientLoadArgs settings target port extra)

/// The rate a load tool (`dotnet <args>`) prints as its last line, exactly `<label>: <integer>`.
let lastLineRate (label: string) (args: string list) (timeout: TimeSpan) : float =
    let result = run "dotnet" args timeout
    if result.Code <> 0 then
        failwithf "dotnet %s exited with %d: %s %s" (String.Join(" ", args)) result.Code result.Out result.Err
    let last = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries) |> Array.map _.Trim() |> Array.tryLast
    match last |> Option.map (fun line -> Regex.Match(line, $@"^{Regex.Escape label}: (\d+)$")) with
    | Some found when found.Success -> invariant found.Groups[1].Value
    | _ -> failwithf "%s's last line is not `%s: <integer>` but \"%s\"" (List.head args) label (defaultArg last "")

/// Calls per second of a ClientLoad run with these arguments: its last line is exactly `calls/s: <integer>`.
let clientLoadWith (args: string list) (timeout: TimeSpan) : float = lastLineRate "calls/s" args timeout

/// Calls per second of one ClientLoad run with the settings' callers, seconds and warm-up.
let clientLoad (settings: Settings) (target: string) (port: int) (extra: string list) : float =
    clientLoadWith (clientLoadArgs settings target port extra) (TimeSpan.FromSeconds(float (settings.Seconds + settings.Warmup) + 120.0))

// ---- memory per idle connection ----

let private ping = "*1\r\n$4\r\nPING\r\n"B

/// Opens a connection, sends PING and reads +PONG; the connection stays open.
let private idleConnection (port: int) =
    let socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
    socket.ReceiveTimeout <- 5000
    socket.Connect(IPAddress.Loopback, port)
    socket.Send ping |> ignore
    let reply = Array.zeroCreate<byte> 7
    let mutable read = 0
    while read < reply.Length do
        let n = socket.Receive(reply, read, reply.Length - read, SocketFlags.None)
        if n = 0 then failwith "the server closed an idle connection"
        read <- read + n
    if Text.Encoding.ASCII.GetString reply <> "+PONG\r\n" then
        failwith "an idle connection's PING was not answered +PONG"
    socket

/// dotnet-counters' gc-heap-size (MB) of a .NET process, read once; None when the tool is missing or says nothing.
let gcHeapMB (pid: int) : float option =
    let tool = Path.Combine(Environment.GetFolderPath Environment.SpecialFolder.UserProfile, ".dotnet/tools/dotnet-counters")
    let file = Path.Combine(Path.GetTempPath(), $"tino-bench-counters-{pid}.csv")
    try
        try
            let args =
                [ "collect"; "-p"; string pid; "--counters"; "EventCounters\\System.Runtime[gc-heap-size]"
                  "--refresh-interval"; "1"; "--duration"; "00:00:00:03"; "--format"; "csv"; "-o"; file ]
            if File.Exists tool && (run tool args (TimeSpan.FromSeconds 30.0)).Code = 0 && File.Exists file then
                File.ReadAllLines file
                |> Array.filter (fun line -> line.Contains "GC Heap Size" || line.Contains "gc-heap-size")
                |> Array.tryLast
                |> Option.map (fun line -> line.Split(',') |> Array.last |> invariant)
            else
                None
        with _ -> None
    finally
        if File.Exists file then File.Delete file

/// On a freshly started server: a few connections first (one-time costs of the first calls stay out of the figure),
/// then VmRSS, then `connections` idle connections in four steps, each connection having sent PING and read +PONG,
/// with a pause and VmRSS after each step.
let idleMemory (settings: Settings) (readHeap: bool) (server: Server) : Memory =
    let pause () = Threading.Thread.Sleep(if settings.Quick then 1000 else 3000)
    for socket in List.init 20 (fun _ -> idleConnection server.Port) do
        socket.Dispose()
    let heapBefore = if readHeap then gcHeapMB server.Process.Id else None
    pause ()
    let before = residentKiB server.Process.Id
    let sockets = ResizeArray<Socket>()
    try
        let steps =
            [ for step in 1..4 ->
                  while sockets.Count < settings.Connections * step / 4 do
                      sockets.Add(idleConnection server.Port)
                  pause ()
                  sockets.Count, residentKiB server.Process.Id ]
        let after = snd (List.last steps)
        let heapAfter = if readHeap then gcHeapMB server.Process.Id else None
        printfn "%s: VmRSS %d KiB before, %A (connections, KiB) on the way" server.Name before steps
        { Server = server.Name
          Connections = sockets.Count
          BeforeKiB = before
          AfterKiB = after
          Steps = steps
          HeapBeforeMB = heapBefore
          HeapAfterMB = heapAfter }
    finally
        for socket in sockets do
            socket.Dispose()

// ---- allocation per call (BenchmarkDotNet) ----

let bdnArtifacts = "artifacts/bench/BenchmarkDotNet"
let callPathFilter = "*CallPathBenchmarks*"

let bdnArgs (settings: Settings) =
    [ "run"; "-c"; "Release"; "--project"; "bench/Tino.Benchmarks"; "--"; "--filter"; callPathFilter
      "--job"; settings.Job; "--exporters"; "github"; "--artifacts"; bdnArtifacts ]

let bdnShown settings =
    "dotnet " + String.Join(" ", bdnArgs settings |> List.map (fun arg -> if arg.Contains '*' then $"'{arg}'" else arg))

/// Bytes in BenchmarkDotNet's Allocated column: "-" is none, else "<n> B", "<n> KB", "<n> MB".
let parseBytes (text: string) =
    match text.Trim().Replace(",", "").Split(' ') with
    | [| "-" |] -> 0.0
    | [| number; "B" |] -> invariant number
    | [| number; "KB" |] -> invariant number * 1024.0
    | [| number; "MB" |] -> invariant number * 1024.0 * 1024.0
    | _ -> failwithf "cannot read %A as bytes" text

let private cells (line: string) = line.Trim().Trim('|').Split('|') |> Array.map _.Trim()

/// Runs the call-path benchmark and reads its row of the github-markdown report.
let allocation (settings: Settings) : Allocation =
    let results = Path.Combine(root, bdnArtifacts, "results")
    if Directory.Exists results then Directory.Delete(results, true)
    printfn "> %s" (bdnShown settings)
    runOrFail "dotnet" (bdnArgs settings) (TimeSpan.FromMinutes 20.0) |> ignore
    let report = Path.Combine(results, "Tino.Benchmarks.CallPathBenchmarks-report-github.md")
    let table = File.ReadAllLines report |> Array.filter _.StartsWith("|") |> List.ofArray
    let header = cells table.Head
    let column name = Array.findIndex ((=) name) header
    let cell method name = (table |> List.map cells |> List.find (fun row -> row[column "Method"] = method))[column name]
    { Benchmark = "CallPathBenchmarks.Add"
      AllocatedBytes = parseBytes (cell "Add" "Allocated")
      BorrowedBytes = parseBytes (cell "EchoBinBorrowed" "Allocated")
      Mean = cell "Add" "Mean"
      Table = table }
