// What the load driver measures and reports: settings, figures and their statistics. Loaded by bench/driver.fsx.
module Model

open System
open System.Globalization

/// A figure as the report shows it: thousands separated, no decimals.
let number (value: float) = value.ToString("N0", CultureInfo.InvariantCulture)

type Settings =
    { Quick: bool
      /// Rounds of each A B comparison.
      Rounds: int
      /// redis-benchmark connections (-c) and ClientLoad's concurrent callers.
      Clients: int
      /// ClientLoad's measured seconds and warm-up seconds per run.
      Seconds: int
      Warmup: int
      /// Idle connections opened for the memory figure.
      Connections: int
      /// BenchmarkDotNet job for the allocation figure.
      Job: string
      /// Requests (-n) of one redis-benchmark run at a pipeline depth.
      RequestsScale: int
      /// The most bytes one redis-benchmark payload run sends (its -n is fewer for bigger payloads).
      PayloadBytes: int64
      /// ClientLoad's payload sizes (bytes) and callers for each.
      ClientPayloads: (int * int) list
      /// Where the report goes (docs/benchmarks.md unless told).
      Out: string }

let requests (settings: Settings) (pipeline: int) = settings.RequestsScale * min pipeline 10

let defaults =
    { Quick = false
      Rounds = 5
      Clients = 50
      Seconds = 5
      Warmup = 2
      Connections = 4000
      Job = "short"
      RequestsScale = 200_000
      PayloadBytes = 1L <<< 30
      // 16 MiB less the 5 bytes of a bin 32 header: the argument is then exactly the server's default
      // MaxArgumentBytes. Fewer callers there: 50 of them would hold 1.6 GB in flight.
      ClientPayloads = [ 256 * 1024, 50; 1024 * 1024, 50; 16 * 1024 * 1024 - 5, 4 ]
      Out = "docs/benchmarks.md" }

let quick =
    { defaults with
        Quick = true
        Rounds = 1
        Seconds = 1
        Warmup = 1
        Connections = 1000
        RequestsScale = 20_000
        PayloadBytes = 64L <<< 20
        ClientPayloads = [ 256 * 1024, 50; 1024 * 1024, 50 ] }

/// One round of an A B comparison: A measured, then B, back to back.
type Round = { A: float; B: float }

type Outcome<'T> =
    | Measured of 'T
    | Skipped of reason: string
    | Failed of message: string

/// A figure for A against a figure for B, alternated A B A B; the ratio is A / B.
type Comparison =
    { Title: string
      A: string
      B: string
      Unit: string
      /// The median ratio A / B should be at least this.
      Target: float
      Commands: string list
      Outcome: Outcome<Round list> }

let median (values: float list) =
    match List.sort values with
    | [] -> nan
    | sorted when sorted.Length % 2 = 1 -> sorted[sorted.Length / 2]
    | sorted -> (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0

let ratio (round: Round) = round.A / round.B

/// The median of the rounds' ratios (each ratio compares two runs made back to back).
let medianRatio (rounds: Round list) = rounds |> List.map ratio |> median

/// One round of a payload comparison: Tino, then each of the others in the group's order, back to back.
type PayloadRound = { Tino: float; Others: float list }

/// One row of a payload comparison: a size at one pipeline depth (redis-benchmark) or with a number of callers
/// (ClientLoad), or a shape of structured payload.
type PayloadFigure =
    { /// The first column: "16,384" bytes, or a shape such as "order (C#)".
      Row: string
      /// "-P 16", or "50 callers".
      Load: string
      Commands: string list
      Outcome: Outcome<PayloadRound list> }

/// The rows of one payload workload: what Tino runs, what the others run, and why a column is missing.
type PayloadGroup =
    { Title: string
      /// What the rows count and what each side moves.
      Description: string list
      /// The first column's heading: "bytes" or "shape".
      RowHeading: string
      Tino: string
      /// The others' column headings, in the order each round measures them.
      Others: string list
      /// Said under the table: a peer skipped, and why.
      Remark: string option
      Unit: string
      Figures: PayloadFigure list }

/// The median of the rounds' ratios of Tino to the other at `index`.
let payloadRatio (index: int) (rounds: PayloadRound list) =
    rounds |> List.map (fun round -> round.Tino / round.Others[index]) |> median

/// A server's resident memory before a payload workload and at its peak (VmHWM, which the kernel keeps).
type PayloadMemory =
    { Server: string
      Workload: string
      BeforeKiB: int64
      PeakKiB: int64
      /// What Tino's figure should stay within, as said in the report's target column.
      Target: string
      /// Whether this row's figure meets it (None for a reference server).
      Met: bool option
      Command: string }

type SweepPoint = { Depth: int; Tino: float; Redis: float }

type Sweep = { Commands: string list; Outcome: Outcome<SweepPoint list> }

/// Resident memory of a freshly started server before and after opening idle connections.
type Memory =
    { Server: string
      Connections: int
      BeforeKiB: int64
      AfterKiB: int64
      /// VmRSS on the way: (connections open, KiB), a step each quarter (RSS grows in uneven steps).
      Steps: (int * int64) list
      /// GC heap (dotnet-counters' gc-heap-size) before and after, for the .NET server, when it could be read.
      HeapBeforeMB: float option
      HeapAfterMB: float option }

let perConnectionKiB (memory: Memory) = float (memory.AfterKiB - memory.BeforeKiB) / float memory.Connections

/// GC heap growth per connection, when dotnet-counters could read the heap before and after.
let heapPerConnectionKiB (memory: Memory) =
    match memory.HeapBeforeMB, memory.HeapAfterMB with
    | Some before, Some after -> Some((after - before) * 1024.0 / float memory.Connections)
    | _ -> None

type MemoryFigure =
    { Tino: Outcome<Memory>
      Redis: Outcome<Memory>
      TargetKiB: float
      Commands: string list }

type Allocation =
    { Benchmark: string
      AllocatedBytes: float
      /// Per echo_bin call that borrows its 16 KiB argument (CallPathBenchmarks.EchoBinBorrowed).
      BorrowedBytes: float
      Mean: string
      Table: string list }

type AllocationFigure = { Command: string; Outcome: Outcome<Allocation> }

/// What one redis-benchmark run cost in CPU time: the load generator's and the server's, per request.
type CpuCost =
    { Server: string
      RequestsPerSecond: float
      ClientNsPerRequest: float
      ServerNsPerRequest: float
      /// How often the server went to sleep, per request: each sleep is a wake-up the load generator pays for.
      ServerSleepsPerRequest: float
      /// The load generator's CPU time over the run's wall time: near 1, redis-benchmark itself is the limit.
      ClientBusy: float }

type CpuFigure = { Pipeline: int; Commands: string list; Outcome: Outcome<CpuCost list> }

/// One build of the C# interop server as the Native AOT comparison saw it, one entry per round.
type ServerBuild =
    { Name: string
      /// How it was started.
      Command: string
      /// From starting the process to the first reply to ADD 1 2, in milliseconds.
      StartupMs: float list
      /// VmRSS a second after that first reply, the server idle.
      IdleKiB: int64 list
      /// What is deployed, in bytes, and what that is.
      SizeBytes: int64
      Size: string }

/// The C# interop server published with Native AOT against the same server on the JIT: start-up, idle memory, size,
/// and ADD's throughput (A = Native AOT, B = JIT, alternated in each round).
type NativeAotFigure = { Aot: ServerBuild; Jit: ServerBuild; Add: Round list; Commands: string list }

type Run =
    { Settings: Settings
      Arguments: string list
      Started: DateTime
      Finished: DateTime
      Machine: (string * string) list
      Versions: (string * string) list
      Comparisons: Comparison list
      /// The Tino client's add(1, 2) without a call context and with two kinds of one (CallContext.fsx).
      CallContext: PayloadGroup
      Sweep: Sweep
      Memory: MemoryFigure
      Allocation: AllocationFigure
      Cpu: CpuFigure list
      Payloads: Outcome<PayloadGroup list>
      /// The commands that start the payload comparisons' servers.
      PayloadServers: string list
      /// The structured payloads (an order, a list of orders) through the Tino client and its peers.
      Structured: Outcome<PayloadGroup list>
      StructuredServers: string list
      /// Server events from one publisher to 50 subscribers: three Tino instances on a backplane, one, redis-server.
      FanOut: Outcome<PayloadGroup list>
      FanOutServers: string list
      /// What 50 connections of 1 MiB payloads, and one 16 MiB argument, cost the servers in resident memory.
      PayloadMemory: Outcome<PayloadMemory list>
      NativeAot: Outcome<NativeAotFigure>
      Notes: string }

/// Runs a measurement; an exception becomes a Failed outcome (printed), so one failure does not lose the rest.
let attempt (name: string) (measure: unit -> 'T) : Outcome<'T> =
    try
        Measured(measure ())
    with error ->
        eprintfn "%s failed: %s" name error.Message
        Failed(error.Message.Split('\n').[0])
