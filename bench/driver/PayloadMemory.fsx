// What large payloads cost the servers in resident memory: 50 connections echoing 1 MiB in a loop, and one 16 MiB
// argument. Each workload gets a freshly started server; the peak is the kernel's VmHWM. Loaded by bench/driver.fsx
// after Payloads.
module PayloadMemory


open System
open System.IO
open Processes
open Model
open Measurements
open Comparisons

/// The peak resident memory of a process in KiB (VmHWM in /proc/<pid>/status).
let private peakKiB (pid: int) : int64 =
    File.ReadAllLines $"/proc/{pid}/status"
    |> Array.find (fun line -> line.StartsWith "VmHWM:")
    |> fun line -> line.Split(' ', StringSplitOptions.RemoveEmptyEntries).[1] |> int64

let private mebibyte = 1024 * 1024

/// The largest argument the server's default limit takes: 16 MiB less a bin 32's 5-byte header.
let private largestArgument = 16 * mebibyte - 5

type private Workload =
    { Name: string
      /// ClientLoad's options after --target and --address.
      Options: Settings -> string list
      /// A small run first (JIT, first-call costs), so that the growth is the payload's own.
      WarmFirst: bool
      Target: string
      Meets: int64 -> int64 -> bool }

let private workloads =
    [ { Name = "50 connections echoing 1 MiB in a loop"
        Options =
          fun settings ->
              [ "--payload"; string mebibyte; "--connections"; "50"; "--callers"; "50"
                "--seconds"; string settings.Seconds; "--warmup"; string settings.Warmup ]
        WarmFirst = false
        Target = "peak < 256 MB"
        Meets = fun _ peak -> peak < 256L * 1024L }
      { Name = "one 16 MiB argument, echoed (ClientLoad's check call, then one measured call)"
        Options = fun _ -> [ "--payload"; string largestArgument; "--callers"; "1"; "--seconds"; "0.001"; "--warmup"; "0" ]
        WarmFirst = true
        Target = "growth ≤ about 2 × 16 MiB (met up to 2.2 ×)"
        Meets = fun before peak -> float (peak - before) <= 2.2 * 16.0 * 1024.0 } ]

let private measureOne (settings: Settings) (serverName: string) (target: string) (startServer: int -> Server) (port: int) (workload: Workload) =
    let args = [ clientLoadDll; "--target"; target; "--address"; $"127.0.0.1:{port}" ] @ workload.Options settings
    let timeout = TimeSpan.FromSeconds(float (settings.Seconds + settings.Warmup) + 120.0)
    withServer (startServer port) (fun server ->
        if workload.WarmFirst then
            let warm = [ clientLoadDll; "--target"; target; "--address"; $"127.0.0.1:{port}"; "--payload"; "1000"; "--callers"; "1"; "--seconds"; "1"; "--warmup"; "0" ]
            clientLoadWith warm timeout |> ignore
        let before = residentKiB server.Process.Id
        clientLoadWith args timeout |> ignore
        let peak = peakKiB server.Process.Id
        printfn "payload memory, %s, %s: %d KiB before, %d KiB peak" serverName workload.Name before peak
        { Server = serverName
          Workload = workload.Name
          BeforeKiB = before
          PeakKiB = peak
          Target = workload.Target
          Met = if target = "tino" then Some(workload.Meets before peak) else None
          Command = "dotnet " + String.Join(" ", args) })

/// Every workload against a fresh C# interop server, then against a fresh redis-server for reference.
let measure (settings: Settings) (firstPort: int) : PayloadMemory list =
    let tinoPort = freePort firstPort
    let redisPort = freePort (tinoPort + 1)
    [ for workload in workloads do
          yield measureOne settings "Tino (InteropServer.CSharp)" "tino" startInterop tinoPort workload
          yield measureOne settings "redis-server (reference)" "redis" startRedis redisPort workload ]
