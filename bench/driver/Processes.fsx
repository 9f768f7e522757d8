// Running programs for the load driver: one-shot commands, servers it starts and always stops, readiness checks.
// Loaded first by bench/driver.fsx.
module Processes

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Sockets
open System.Text

/// The repository's root (this file is bench/driver/Processes.fsx).
let root = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, "..", ".."))

type Output = { Code: int; Out: string; Err: string }

let private startInfo (file: string) (args: string list) =
    let info =
        ProcessStartInfo(
            file,
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true
        )
    for arg in args do
        info.ArgumentList.Add arg
    info

/// Runs a program to its end, its standard input read from a file (relative to the root) when one is given, and
/// returns its exit code and output; kills it (and its children) after the timeout.
let runFrom (input: string option) (file: string) (args: string list) (timeout: TimeSpan) : Output =
    let info = startInfo file args
    info.RedirectStandardInput <- input.IsSome
    use proc = Process.Start info
    let out = proc.StandardOutput.ReadToEndAsync()
    let err = proc.StandardError.ReadToEndAsync()
    match input with
    | Some path ->
        // Raw bytes, as a shell's `< file` would give them; closing the stream is the end of input. A program that
        // exits without reading them all breaks the pipe: its exit code and output say why.
        try
            use stdin = proc.StandardInput.BaseStream
            stdin.Write(File.ReadAllBytes(Path.Combine(root, path)))
        with :? IOException -> ()
    | None -> ()
    if not (proc.WaitForExit timeout) then
        proc.Kill true
        proc.WaitForExit()
        failwithf "%s %s did not finish within %O" file (String.Join(" ", args)) timeout
    proc.WaitForExit()
    { Code = proc.ExitCode; Out = out.Result; Err = err.Result }

/// Runs a program to its end and returns its exit code and output; kills it (and its children) after the timeout.
let run (file: string) (args: string list) (timeout: TimeSpan) : Output = runFrom None file args timeout

/// Runs a program and fails with its output unless it exits with 0.
let runOrFail (file: string) (args: string list) (timeout: TimeSpan) : string =
    let result = run file args timeout
    if result.Code <> 0 then
        failwithf "%s %s exited with %d:\n%s\n%s" file (String.Join(" ", args)) result.Code result.Out result.Err
    result.Out

/// The first line a command prints, or "unknown" when it cannot run.
let firstLine (file: string) (args: string list) =
    try
        let result = run file args (TimeSpan.FromSeconds 30.0)
        (result.Out + result.Err).Split('\n', StringSplitOptions.RemoveEmptyEntries).[0].Trim()
    with _ -> "unknown"

let onPath (program: string) =
    (Environment.GetEnvironmentVariable "PATH").Split(':')
    |> Array.exists (fun dir -> dir <> "" && File.Exists(Path.Combine(dir, program)))

/// Installs redis-server and redis-tools from the Debian packages when one of their programs is missing.
let ensureRedis () =
    if not ([ "redis-server"; "redis-benchmark"; "redis-cli" ] |> List.forall onPath) then
        printfn "installing redis-server and redis-tools (apt-get)"
        runOrFail "apt-get" [ "update"; "-q" ] (TimeSpan.FromMinutes 5.0) |> ignore
        runOrFail "apt-get" [ "install"; "-y"; "-q"; "redis-server"; "redis-tools" ] (TimeSpan.FromMinutes 10.0) |> ignore

/// Builds a project in Release.
let build (project: string) =
    printfn "building %s (Release)" project
    runOrFail "dotnet" [ "build"; "-c"; "Release"; project; "-v"; "q"; "-nologo" ] (TimeSpan.FromMinutes 10.0)
    |> ignore

// ---- servers ----

type Server = { Name: string; Port: int; Process: Process; Lines: ResizeArray<string> }

let private running = ResizeArray<Server>()

let private lines (server: Server) = lock server.Lines (fun () -> String.Join("\n", server.Lines))

/// Stops one server and its child processes, if it is still running.
let stop (server: Server) =
    lock running (fun () -> running.Remove server |> ignore)
    try
        if not server.Process.HasExited then
            server.Process.Kill true
            server.Process.WaitForExit 10_000 |> ignore
    with _ -> ()

/// Stops every server still running (the driver's finally block, Ctrl+C and process exit).
let stopAll () =
    for server in lock running (fun () -> List.ofSeq running) do
        stop server

AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> stopAll ())
Console.CancelKeyPress.Add(fun _ -> stopAll ())

/// Starts a server in the background, keeping what it prints (a server whose output is not read would block).
let start (name: string) (file: string) (args: string list) (port: int) : Server =
    let proc = new Process(StartInfo = startInfo file args)
    let server = { Name = name; Port = port; Process = proc; Lines = ResizeArray() }
    let keep (event: DataReceivedEventArgs) =
        if not (isNull event.Data) then
            lock server.Lines (fun () -> server.Lines.Add event.Data)
    proc.OutputDataReceived.Add keep
    proc.ErrorDataReceived.Add keep
    proc.Start() |> ignore
    lock running (fun () -> running.Add server)
    proc.BeginOutputReadLine()
    proc.BeginErrorReadLine()
    let shown = args |> List.map (fun arg -> if arg = "" then "\"\"" else arg)
    printfn "started %s (pid %d, port %d): %s %s" name proc.Id port file (String.Join(" ", shown))
    server

/// Whether something accepts TCP connections on the port.
let accepts (port: int) =
    try
        use client = new TcpClient()
        client.Connect(IPAddress.Loopback, port)
        true
    with _ -> false

/// A port from `first` on that nothing listens on and that can be bound.
let freePort (first: int) =
    let bindable port =
        try
            let listener = new TcpListener(IPAddress.Loopback, port)
            listener.Start()
            listener.Stop()
            true
        with _ -> false
    Seq.initInfinite (fun i -> first + i) |> Seq.find (fun port -> not (accepts port) && bindable port)

/// Sends one RESP command (each argument raw bytes) on a new connection and returns the whole reply as it came:
/// its first line with its line end, and for a bulk string its bytes and their line end too.
let reply (port: int) (args: byte[] list) : byte[] =
    use client = new TcpClient()
    client.ReceiveTimeout <- 5000
    client.Connect(IPAddress.Loopback, port)
    use stream = client.GetStream()
    use request = new MemoryStream()
    let ascii (text: string) = request.Write(Encoding.ASCII.GetBytes text)
    ascii $"*{args.Length}\r\n"
    for arg in args do
        ascii $"${arg.Length}\r\n"
        request.Write arg
        ascii "\r\n"
    stream.Write(request.ToArray())
    let received = new MemoryStream()
    let take count =
        for _ in 1..count do
            let b = stream.ReadByte()
            if b < 0 then failwith "connection closed before the reply's end"
            received.WriteByte(byte b)
    let text () = Encoding.Latin1.GetString(received.ToArray())
    while not (text().EndsWith "\r\n") do
        take 1
    let line = text().TrimEnd()
    if line.StartsWith "$" && int (line.Substring 1) >= 0 then
        take (int (line.Substring 1) + 2)
    received.ToArray()

/// Sends one RESP command (each argument raw bytes) on a new connection and returns the reply's first line.
let command (port: int) (args: byte[] list) : string =
    let whole = Encoding.Latin1.GetString(reply port args)
    whole.Substring(0, whole.IndexOf "\r\n")

/// Whether the server answers PING with +PONG.
let pongs (port: int) =
    try command port [ "PING"B ] = "+PONG" with _ -> false

/// Waits until `ready` holds, failing with the server's output if it exits first or the time runs out.
let waitUntil (ready: Server -> bool) (timeout: TimeSpan) (server: Server) =
    let clock = Stopwatch.StartNew()
    let mutable isReady = false
    while not isReady do
        if server.Process.HasExited then
            failwithf "%s exited (code %d) before it was ready:\n%s" server.Name server.Process.ExitCode (lines server)
        if clock.Elapsed > timeout then
            failwithf "%s was not ready within %O:\n%s" server.Name timeout (lines server)
        isReady <- ready server
        if not isReady then
            Threading.Thread.Sleep 100
    printfn "%s is ready on port %d" server.Name server.Port

/// A RESP server (Tino or redis-server) is ready when it answers PING.
let respReady (server: Server) = pongs server.Port

/// A peer is ready when it has printed a line containing "listening" and accepts connections.
let peerReady (server: Server) =
    lock server.Lines (fun () -> server.Lines |> Seq.exists (fun line -> line.Contains "listening"))
    && accepts server.Port

/// Runs `body` with a started server, and stops the server afterwards whatever happens.
let withServer (server: Server) (body: Server -> 'T) : 'T =
    try body server finally stop server

/// Resident memory of a process in KiB (VmRSS in /proc/<pid>/status).
let residentKiB (pid: int) : int64 =
    File.ReadAllLines $"/proc/{pid}/status"
    |> Array.find (fun line -> line.StartsWith "VmRSS:")
    |> fun line -> line.Split(' ', StringSplitOptions.RemoveEmptyEntries).[1] |> int64
