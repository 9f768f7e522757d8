// docs/benchmarks.md from one run: the machine, the versions, every figure with its rounds, ratio, target and command.
// Loaded by bench/driver.fsx after Model and Chart.
module Report


open System
open System.Globalization
open System.Text
open Model

let twoPlaces (value: float) = value.ToString("0.00", CultureInfo.InvariantCulture)
let onePlace (value: float) = value.ToString("0.0", CultureInfo.InvariantCulture)
let threePlaces (value: float) = value.ToString("0.000", CultureInfo.InvariantCulture)
let met (yes: bool) = if yes then "met" else "**not met**"

let private codeBlock (lines: string list) = [ "```bash" ] @ lines @ [ "```"; "" ]

let private notMeasured (outcome: Outcome<'T>) =
    match outcome with
    | Skipped reason -> Some $"skipped: {reason}"
    | Failed message -> Some $"failed: {message}"
    | Measured _ -> None

// ---- summary ----

let private comparisonRow (comparison: Comparison) =
    match comparison.Outcome with
    | Measured rounds ->
        let ratio = medianRatio rounds
        let medians = $"{number (rounds |> List.map _.A |> median)} / {number (rounds |> List.map _.B |> median)} {comparison.Unit}"
        $"| {comparison.Title} | **{twoPlaces ratio}×** ({medians}) | ≥ {onePlace comparison.Target}× | {met (ratio >= comparison.Target)} |"
    | outcome -> $"| {comparison.Title} | {(notMeasured outcome).Value} | ≥ {onePlace comparison.Target}× | not measured |"

let private allocationRow (figure: AllocationFigure) =
    match figure.Outcome with
    | Measured allocation ->
        $"| bytes the server allocates per add(int,int) call (`{allocation.Benchmark}`) | **{number allocation.AllocatedBytes} B** | 0 B | {met (allocation.AllocatedBytes = 0.0)} |\n"
        + $"| bytes the server allocates per echo_bin call borrowing 16 KiB (`CallPathBenchmarks.EchoBinBorrowed`) | **{number allocation.BorrowedBytes} B** | 0 B | {met (allocation.BorrowedBytes = 0.0)} |"
    | outcome -> $"| bytes the server allocates per add(int,int) call | {(notMeasured outcome).Value} | 0 B | not measured |"

let private memoryRow (figure: MemoryFigure) =
    let reference =
        match figure.Redis with
        | Measured redis -> $"; redis-server {onePlace (perConnectionKiB redis)} KiB"
        | _ -> ""
    match figure.Tino with
    | Measured tino ->
        let perConnection = perConnectionKiB tino
        let heap =
            match heapPerConnectionKiB tino with
            | Some kib -> $" (Tino's GC heap: {onePlace kib} KiB)"
            | None -> ""
        $"| server memory per idle connection (VmRSS, {tino.Connections} connections) | **{onePlace perConnection} KiB**{heap}{reference} | ≤ {onePlace figure.TargetKiB} KiB | {met (perConnection <= figure.TargetKiB)} |"
    | outcome -> $"| server memory per idle connection | {(notMeasured outcome).Value} | ≤ {onePlace figure.TargetKiB} KiB | not measured |"

let summary (run: Run) =
    [ "## Summary"
      ""
      "| figure | this run (ratio: median of the rounds' ratios; medians A / B) | target | |"
      "|---|---|---|---|" ]
    @ (run.Comparisons |> List.map comparisonRow)
    @ [ allocationRow run.Allocation; memoryRow run.Memory; "" ]

// ---- sections ----

let private comparisonSection (comparison: Comparison) =
    let header = [ $"### {comparison.Title}"; "" ]
    let body =
        match comparison.Outcome with
        | Measured rounds ->
            [ $"| round | {comparison.A} ({comparison.Unit}) | {comparison.B} ({comparison.Unit}) | ratio |"
              "|---|---:|---:|---:|" ]
            @ (rounds |> List.mapi (fun index round -> $"| {index + 1} | {number round.A} | {number round.B} | {twoPlaces (ratio round)} |"))
            @ [ $"| median | {number (rounds |> List.map _.A |> median)} | {number (rounds |> List.map _.B |> median)} | **{twoPlaces (medianRatio rounds)}** |"
                ""
                $"Target ≥ {onePlace comparison.Target}×: {met (medianRatio rounds >= comparison.Target)}. Commands (A, then B, each round):"
                "" ]
        | outcome -> [ $"Not measured ({(notMeasured outcome).Value}). Commands:"; "" ]
    header @ body @ codeBlock comparison.Commands

let private sweepSection (settings: Settings) (sweep: Sweep) =
    let header = [ "## Throughput against pipeline depth"; "" ]
    let body =
        match sweep.Outcome with
        | Measured points ->
            [ "![requests per second against pipeline depth, Tino ADD and redis-server GET](benchmarks-pipeline.svg)"
              ""
              "Each depth measured once, Tino then redis-server, after the comparisons above."
              ""
              "| -P | -n | Tino ADD (req/s) | redis-server GET (req/s) | ratio |"
              "|---:|---:|---:|---:|---:|" ]
            @ (points |> List.map (fun point ->
                $"| {point.Depth} | {number (float (requests settings point.Depth))} | {number point.Tino} | {number point.Redis} | {twoPlaces (point.Tino / point.Redis)} |"))
            @ [ ""; "Commands, for each depth `<p>` with `<n>` requests:"; "" ]
        | outcome -> [ $"Not measured ({(notMeasured outcome).Value}). Commands:"; "" ]
    header @ body @ codeBlock sweep.Commands

let private memoryLines (label: string) (outcome: Outcome<Memory>) =
    match outcome with
    | Measured memory ->
        let heap =
            match memory.HeapBeforeMB, memory.HeapAfterMB, heapPerConnectionKiB memory with
            | Some before, Some after, Some kib ->
                $" GC heap (dotnet-counters' gc-heap-size, read before the first VmRSS and after the last; it counts garbage not yet collected too): {onePlace before} MB before, {onePlace after} MB after, {onePlace kib} KiB per connection."
            | _ -> ""
        let steps =
            memory.Steps
            |> List.map (fun (connections, kib) -> $"{number (float kib)} KiB with {connections}")
            |> String.concat ", "
        [ $"- **{label}**: VmRSS {number (float memory.BeforeKiB)} KiB before, {number (float memory.AfterKiB)} KiB with {memory.Connections} idle connections: **{onePlace (perConnectionKiB memory)} KiB per connection**. On the way: {steps}.{heap}" ]
    | outcome -> [ $"- **{label}**: not measured ({(notMeasured outcome).Value})." ]

let private memorySection (settings: Settings) (figure: MemoryFigure) =
    [ "## Memory per idle connection"
      ""
      "Each server freshly started, then: 20 connections opened, pinged and closed (one-time costs of the first calls stay"
      $"out of the figure), a pause, VmRSS read from `/proc/<pid>/status`; then {settings.Connections} connections opened by the driver in"
      "four steps, each sending `PING` and reading `+PONG` and then left idle, with a pause and VmRSS after each step. The"
      "figure is (VmRSS at the end − VmRSS before) / connections; the steps show how unevenly RSS grows (the GC and the"
      "allocators take memory in chunks), so expect a few KiB of noise between runs."
      "RSS is the honest figure: it counts what the process really holds, the runtime's pools and buffers included"
      "(it can only miss memory the process had already touched and reuses for the new connections)."
      "" ]
    @ memoryLines "Tino (QuickStart)" figure.Tino
    @ memoryLines "redis-server (reference)" figure.Redis
    @ [ ""; $"Target for Tino: ≤ {onePlace figure.TargetKiB} KiB. Servers:"; "" ]
    @ codeBlock figure.Commands

let private allocationSection (figure: AllocationFigure) =
    let header =
        [ "## Allocation per call"
          ""
          "BenchmarkDotNet's MemoryDiagnoser over `CallPathBenchmarks`: one call through the server's path without sockets"
          "(parse, look up, run the compiled pipeline, reply written into a reused buffer): `ADD 1 2`, and `echo_bin` of a"
          "16 KiB bin through a handler that borrows it (`ReadOnlyMemory<byte>`, target 0 B) or takes a `byte[]` (target:"
          "the payload and the array's header). Allocations are counted exactly whatever the job; the short job's times are"
          "rough."
          "" ]
    let body =
        match figure.Outcome with
        | Measured allocation ->
            allocation.Table
            @ [ ""
                $"Allocated per `ADD` call: **{number allocation.AllocatedBytes} B** (target 0 B: {met (allocation.AllocatedBytes = 0.0)}); per borrowing `echo_bin` call: **{number allocation.BorrowedBytes} B** (target 0 B: {met (allocation.BorrowedBytes = 0.0)}). Command:"
                "" ]
        | outcome -> [ $"Not measured ({(notMeasured outcome).Value}). Command:"; "" ]
    header @ body @ codeBlock [ figure.Command ]

// ---- payloads ----

let private payloadRow (group: PayloadGroup) (figure: PayloadFigure) =
    match figure.Outcome with
    | Measured rounds ->
        let medianOf (pick: PayloadRound -> float) = number (rounds |> List.map pick |> median)
        let others =
            group.Others
            |> List.mapi (fun index _ -> $" {medianOf (fun round -> round.Others[index])} | **{twoPlaces (payloadRatio index rounds)}** |")
        $"| {figure.Row} | {figure.Load} | {medianOf _.Tino} |" + String.Concat others
    | outcome -> $"| {figure.Row} | {figure.Load} | {(notMeasured outcome).Value} |" + String.replicate group.Others.Length " | |"

let private payloadGroupSection (group: PayloadGroup) =
    let otherHeadings = group.Others |> List.map (fun heading -> $" {heading} ({group.Unit}) | ratio |")
    let commands = group.Figures |> List.collect (fun figure -> $"# {figure.Row}, {figure.Load}" :: figure.Commands)
    [ $"### {group.Title}"; "" ]
    @ group.Description
    @ [ ""
        $"| {group.RowHeading} | load | {group.Tino} ({group.Unit}) |" + String.Concat otherHeadings
        "|---:|---|---:|" + String.replicate group.Others.Length "---:|---:|" ]
    @ (group.Figures |> List.map (payloadRow group))
    @ [ "" ]
    @ (group.Remark |> Option.map (fun remark -> [ remark; "" ]) |> Option.defaultValue [])
    @ [ "Commands, row by row (each round runs them in this order):"; "" ]
    @ codeBlock commands

let private groupSections (outcome: Outcome<PayloadGroup list>) =
    match outcome with
    | Measured groups -> groups |> List.collect payloadGroupSection
    | outcome -> [ $"Not measured ({(notMeasured outcome).Value})."; "" ]

let private payloadsSection (run: Run) =
    [ "## Payloads"
      ""
      "Real payloads instead of `ADD 1 2`: the same bytes through Tino, redis-server and, where it runs, Garnet"
      "(Microsoft's RESP server, also .NET). Each row gives the medians of the rounds, the servers measured back to"
      "back in each round, and the ratio Tino / the other: the median of the rounds' ratios (target ≥ 1.0×). Before"
      "a row is measured, each server gets its request once on a plain socket and must reply exactly the expected"
      "bytes, and one `SET` through `redis-benchmark -x` must store the argument file whole: an error reply, which"
      "redis-benchmark counts as a reply like any other, fails the row instead of passing as a fast one."
      ""
      "Servers, started for these comparisons only (Tino is the C# interop server, which has `echo_bin`, `blob` and"
      "`blob_len`):"
      "" ]
    @ codeBlock run.PayloadServers
    @ groupSections run.Payloads

let private structuredSection (run: Run) =
    [ "## Structured payloads"
      ""
      "Records, the real case: an order of twenty fields and a list of 100 orders, through the Tino client and three"
      "other ways of calling a service, each with its usual serializer. Targets: ≥ 3× gRPC, ≥ 5× ASP.NET Core JSON;"
      "StackExchange.Redis's ECHO is a reference (redis-server does no work on the value, Tino's server decodes and"
      "encodes it). The encode and decode cost alone, against MessagePack-CSharp's own formatters, is under \"Other"
      "measurements\" (micro benchmarks)."
      ""
      "Servers, started for these comparisons only:"
      "" ]
    @ codeBlock run.StructuredServers
    @ groupSections run.Structured

let private fanOutSection (run: Run) =
    [ "## Server events to many subscribers"
      ""
      "Events fanned out to 50 subscribers: through three Tino instances that share a Redis backplane, one Tino"
      "instance, and redis-server's own pub/sub, measured back to back in each round."
      ""
      "Servers, started for these comparisons only:"
      "" ]
    @ codeBlock run.FanOutServers
    @ groupSections run.FanOut

let private payloadMemorySection (run: Run) =
    [ "### Memory with large payloads"
      ""
      "Each workload against a freshly started server: VmRSS before (after a small warm-up run where said), and the"
      "peak (VmHWM) after the run. Tino's buffers come from the shared array pool and go back to it between calls; the"
      "pool keeps a few for the next large call, and the garbage collector takes memory in regions, so the peak is"
      "more than the payloads alone."
      "" ]
    @ match run.PayloadMemory with
      | Measured rows ->
          [ "| workload | server | VmRSS before (KiB) | peak (KiB) | growth (KiB) | growth / 16 MiB | target | |"
            "|---|---|---:|---:|---:|---:|---|---|" ]
          @ [ for row in rows ->
                let growth = float (row.PeakKiB - row.BeforeKiB)
                let verdict = row.Met |> Option.map met |> Option.defaultValue "reference"
                $"| {row.Workload} | {row.Server} | {number (float row.BeforeKiB)} | {number (float row.PeakKiB)} | {number growth} | {twoPlaces (growth / (16.0 * 1024.0))} | {row.Target} | {verdict} |" ]
          @ [ ""; "Commands (each after starting its server afresh, as in the payload tables above):"; "" ]
          @ codeBlock (rows |> List.map _.Command)
      | outcome -> [ $"Not measured ({(notMeasured outcome).Value})."; "" ]

// ---- the whole file ----

let private table (rows: (string * string) list) =
    [ "| | |"; "|---|---|" ] @ (rows |> List.map (fun (name, value) -> $"| {name} | {value} |")) @ [ "" ]

let private introduction (run: Run) =
    let command = String.Join(" ", [ "dotnet fsi build.fsx bench" ] @ run.Arguments)
    let duration = run.Finished - run.Started
    let date = run.Started.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
    let rounds = if run.Settings.Rounds = 1 then "round" else "rounds"
    [ "# Benchmarks"
      ""
      "<!-- Generated by `dotnet fsi build.fsx bench` (bench/driver.fsx): do not edit by hand. The prose under"
      "     \"Other measurements\" comes from bench/benchmarks-notes.md. -->"
      ""
      $"Figures of one run of the load driver, `{command}`. The driver builds in Release what it runs, starts"
      "each server as its own process on its own port, waits until it answers, alternates each pair A B A B, and stops"
      "every server at the end. The load generators and the servers share this one machine. Absolute figures move with"
      "the machine's load; the ratios of one run are what to compare. Speed targets live here, never in timed tests."
      "" ]
    @ (if run.Settings.Quick then
           [ "**This is a `--quick` run** (1 round, fewer requests, short runs): a check that the driver works, not figures to quote."; "" ]
       else [])
    @ [ $"Run {date} UTC, {int duration.TotalMinutes} min {duration.Seconds} s; {run.Settings.Rounds} {rounds} per comparison; redis-benchmark with {run.Settings.Clients} connections, ClientLoad with {run.Settings.Clients} callers, {run.Settings.Seconds} s per run after {run.Settings.Warmup} s of warm-up."
        "" ]
    @ table run.Machine
    @ table run.Versions

let private cpuSection (figure: CpuFigure) =
    [ $"## CPU and sleeps per request at -P {figure.Pipeline}: which side is the limit"
      ""
      "The redis-benchmark comparison again, each run under bash's `times` for the CPU time redis-benchmark used, with"
      "the server's CPU time read from `/proc/<pid>/stat` and its threads' sleeps (voluntary context switches, from"
      "`/proc/<pid>/task/*/status`) read before and after. When redis-benchmark's CPU time is close to the run's wall"
      "time (busy near 100 %), the load generator, not the server, sets the pace. Its CPU per request then depends on"
      "the server too: a request sent to a server thread asleep in `epoll_wait` makes the sender's `send` wake it."
      "" ]
    @ codeBlock figure.Commands
    @ match figure.Outcome with
      | Measured costs ->
          [ "| server | req/s | redis-benchmark CPU per request | redis-benchmark busy | server CPU per request | server sleeps per request |"
            "|---|---|---|---|---|---|" ]
          @ [ for cost in costs ->
                $"| {cost.Server} | {number cost.RequestsPerSecond} | {number cost.ClientNsPerRequest} ns | {number (cost.ClientBusy * 100.0)} %% | {number cost.ServerNsPerRequest} ns | {threePlaces cost.ServerSleepsPerRequest} |" ]
          @ [ "" ]
      | outcome -> [ (notMeasured outcome).Value; "" ]

let markdown (run: Run) =
    let lines =
        introduction run
        @ summary run
        @ [ "## Tino against redis-server, and against other RPC stacks"; "" ]
        @ (run.Comparisons |> List.collect comparisonSection)
        @ payloadGroupSection run.CallContext
        @ (run.Cpu |> List.collect cpuSection)
        @ sweepSection run.Settings run.Sweep
        @ memorySection run.Settings run.Memory
        @ allocationSection run.Allocation
        @ payloadsSection run
        @ payloadMemorySection run
        @ structuredSection run
        @ fanOutSection run
        @ NativeAot.section run.NativeAot
        @ [ "## Other measurements"; "" ]
    String.Join("\n", lines) + "\n" + run.Notes.TrimEnd() + "\n"
