/// Processes a test starts (Tino servers, HAProxy, dotnet), each waited on with a bound and killed by its own PID.
module Tino.Tests.ScaleOut.Processes

open System
open System.Collections.Concurrent
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Sockets
open System.Text
open System.Text.RegularExpressions
open System.Threading
open System.Threading.Tasks
open Tino.Client

/// The repository's root: the folder above this test assembly that holds Tino.sln.
let repoRoot =
    lazy (
        let rec up (dir: DirectoryInfo) =
            if File.Exists(Path.Combine(dir.FullName, "Tino.sln")) then dir.FullName else up (nonNull dir.Parent)
        up (DirectoryInfo AppContext.BaseDirectory))

/// The built program of a sample project, in this test assembly's configuration (the test project references
/// the samples it runs, so they are built with it).
let sampleDll (name: string) =
    let configuration = (nonNull (DirectoryInfo AppContext.BaseDirectory).Parent).Name
    Path.Combine(repoRoot.Force(), "samples", name, "bin", configuration, "net10.0", $"{name}.dll")

/// A process this test started. Its output (stdout and stderr) is kept as it comes, to wait for a line and to
/// explain a failure; disposing it kills it, and any children it made, by its PID.
type Child(program: string, args: string list, ?workingDirectory: string, ?environment: (string * string) list) =
    let info = ProcessStartInfo(program, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    do
        for arg in args do
            info.ArgumentList.Add arg
        workingDirectory |> Option.iter (fun dir -> info.WorkingDirectory <- dir)
        for name, value in defaultArg environment [] do
            info.Environment[name] <- value
    let lines = ConcurrentQueue<string>()
    let proc = nonNull (Process.Start info)
    let keep (line: DataReceivedEventArgs) =
        match line.Data with
        | null -> ()
        | text -> lines.Enqueue text
    do
        proc.OutputDataReceived.Add keep
        proc.ErrorDataReceived.Add keep
        proc.BeginOutputReadLine()
        proc.BeginErrorReadLine()

    member _.Id = proc.Id

    member _.HasExited = proc.HasExited

    /// Everything it has printed so far.
    member _.Output = String.Join("\n", lines)

    /// The first line it printed that matches `pattern`, waiting up to `timeout` for it.
    member this.WaitForLine(pattern: Regex, timeout: TimeSpan) : Match =
        let clock = Stopwatch.StartNew()
        let rec wait () =
            match lines |> Seq.map pattern.Match |> Seq.tryFind _.Success with
            | Some found -> found
            | None when proc.HasExited -> failwithf "%s exited with %d before printing /%O/:\n%s" program proc.ExitCode pattern this.Output
            | None when clock.Elapsed > timeout -> failwithf "%s printed no /%O/ within %O:\n%s" program pattern timeout this.Output
            | None ->
                Thread.Sleep 20
                wait ()
        wait ()

    /// Waits up to `timeout` for it to exit; its exit code, or None if it still runs.
    member _.WaitForExit(timeout: TimeSpan) : int option =
        if proc.WaitForExit timeout then
            // The exit came; let the last lines of output arrive, without waiting on any child that holds the pipes.
            Task.Run(fun () -> proc.WaitForExit()).Wait(TimeSpan.FromSeconds 5.0) |> ignore
            Some proc.ExitCode
        else
            None

    /// Ends it (and its children) at once with SIGKILL, by PID, and waits up to 10 s for it to be gone.
    member _.Kill() =
        if not proc.HasExited then
            proc.Kill true
            proc.WaitForExit(TimeSpan.FromSeconds 10.0) |> ignore

    interface IDisposable with
        member this.Dispose() =
            this.Kill()
            proc.Dispose()

/// Runs a program to its end, up to `timeout` (then kills it and fails); its exit code and output.
let runToEnd (program: string) (args: string list) (workingDirectory: string) (environment: (string * string) list) (timeout: TimeSpan) =
    use child = new Child(program, args, workingDirectory, environment)
    match child.WaitForExit timeout with
    | Some code -> code, child.Output
    | None -> failwithf "%s %s did not finish within %O:\n%s" program (String.Join(" ", args)) timeout child.Output

/// A TCP port on 127.0.0.1 that nothing listens on now.
let freePort () =
    use listener = new TcpListener(IPAddress.Loopback, 0)
    listener.Start()
    let port = (listener.LocalEndpoint :?> IPEndPoint).Port
    listener.Stop()
    port

let private listening = Regex(@"^Tino listening on redis://127\.0\.0\.1:(\d+)$")

/// Starts a Tino server program with `args` and waits for its listening line; the process and its port.
let startListening (program: string) (args: string list) : Child * int =
    let child = new Child(program, args)
    try
        child, int (child.WaitForLine(listening, TimeSpan.FromSeconds 30.0)).Groups[1].Value
    with _ ->
        (child :> IDisposable).Dispose()
        reraise ()

/// Starts the interop server `sample` (InteropServer.CSharp or .FSharp) as a process with `args`; the process and its port.
let startInteropServer (sample: string) (args: string list) : Child * int = startListening "dotnet" (sampleDll sample :: args)

/// Starts samples/InteropServer.CSharp as a process on `port` (0 for a free one); the process and its port.
let startTino (port: int) : Child * int = startInteropServer "InteropServer.CSharp" [ "--port"; string port ]

/// The PID of the server process at the other end of a client's connection, from the built-in INFO.
let serverPid (execute: string -> Task<Tino.Protocol.RespReply>) : int =
    let info = Encoding.UTF8.GetString((execute "INFO").GetAwaiter().GetResult().Bytes.Span)
    let found = Regex.Match(info, @"process_id:(\d+)")
    if not found.Success then failwithf "INFO has no process_id: %s" info
    int found.Groups[1].Value

let pidOf (client: TinoClient) = serverPid (fun command -> client.ExecuteAsync(command, [||]).AsTask())

let clusterPidOf (cluster: TinoClusterClient) = serverPid (fun command -> cluster.ExecuteAsync(command, [||]).AsTask())

/// Polls `condition` every 50 ms until it holds, failing with `what` after `timeout`.
let waitUntil (timeout: TimeSpan) (what: unit -> string) (condition: unit -> bool) =
    let clock = Stopwatch.StartNew()
    while not (condition ()) do
        if clock.Elapsed > timeout then failwithf "not within %O: %s" timeout (what ())
        Thread.Sleep 50
