/// The client against servers it did not come with: redis-server for PING and ECHO, and the README's client
/// programs (samples/Client.CSharp, samples/Client.FSharp) run as processes, whose code the README shows as it is.
module Tino.Tests.Interop.ClientInteropTests

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Sockets
open System.Text
open System.Threading
open Expecto
open Tino.Client
open Tino.Protocol
open Tino.Tests.Client.ClientTests
open Tino.Tests.Interop.RealClientTests

let redisServer = ensureInstalled "redis-server" "redis-server"

/// A redis-server of its own on `port` (no persistence, loopback only), once it listens.
let startRedisServer (port: int) : Process =
    redisServer.Force()
    let info = ProcessStartInfo("redis-server", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    for arg in [ "--port"; string port; "--bind"; "127.0.0.1"; "--save"; ""; "--appendonly"; "no"; "--daemonize"; "no" ] do
        info.ArgumentList.Add arg
    let proc = nonNull (Process.Start info)
    let deadline = DateTime.UtcNow.AddSeconds 10.0
    let rec waitUntilListening () =
        let ready =
            try
                use probe = new TcpClient()
                probe.Connect(IPAddress.Loopback, port)
                true
            with _ -> false
        if not ready then
            if proc.HasExited || DateTime.UtcNow > deadline then
                proc.Dispose()
                failwithf "redis-server did not listen on %d" port
            Thread.Sleep 50
            waitUntilListening ()
    waitUntilListening ()
    proc

/// Kills a redis-server this test started.
let stopRedisServer (proc: Process) =
    if not proc.HasExited then
        proc.Kill()
        proc.WaitForExit 10000 |> ignore
    proc.Dispose()

/// Runs `body` with the port of a redis-server of its own, stopped after it.
let withRedisServer (body: int -> unit) =
    let port = Tino.Tests.ScaleOut.Processes.freePort ()
    let proc = startRedisServer port
    try
        body port
    finally
        stopRedisServer proc

let private bytes (text: string) = ReadOnlyMemory(Encoding.UTF8.GetBytes text)

let private textOf (reply: RespReply) = Encoding.UTF8.GetString reply.Bytes.Span

/// The built program of a sample, in this test assembly's configuration.
let private sampleDll (name: string) =
    let binDirectory = DirectoryInfo(AppContext.BaseDirectory)
    let configuration = (nonNull binDirectory.Parent).Name
    Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "..", "samples", name, "bin", configuration, "net10.0", $"{name}.dll")

/// The code block that the README shows under `<!-- path -->`.
let readmeBlock (path: string) =
    let readme = File.ReadAllText(Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "..", "README.md"))
    let marker = $"<!-- {path} -->"
    let start = readme.IndexOf marker
    if start < 0 then failtestf "the README has no %s" marker
    let code = readme.IndexOf('\n', readme.IndexOf("```", start)) + 1
    readme.Substring(code, readme.IndexOf("```", code) - code)

[<Tests>]
let redis =
    testSequenced <| testList "TinoClient against redis-server" [
        test "PING and ECHO through ExecuteAsync" {
            withRedisServer (fun port ->
                let client = TinoClient.ConnectAsync($"redis://127.0.0.1:{port}").Result
                try
                    let pong = await (client.ExecuteAsync("PING", [||]).AsTask())
                    Expect.equal (pong.Kind, textOf pong) (RespReplyKind.SimpleString, "PONG") "PING"
                    let echoed = await (client.ExecuteAsync("ECHO", [| bytes "héllo" |]).AsTask())
                    Expect.equal (echoed.Kind, textOf echoed) (RespReplyKind.BulkString, "héllo") "ECHO"
                    let unknown = Throws.Of<TinoRemoteException>(client.ExecuteAsync("NOPE", [||]).AsTask())
                    Expect.equal unknown.Code "ERR" "Redis's own error code"
                    let again = await (client.ExecuteAsync("PING", [| bytes "again" |]).AsTask())
                    Expect.equal (textOf again) "again" "the connection stays usable"
                finally
                    client.DisposeAsync().AsTask().Wait())
        }
    ]

[<Tests>]
let samples =
    testSequenced <| testList "the README's client programs" [
        for language, name, file, printed in
            [ "C#", "Client.CSharp", "Program.cs", "3 7 0.5 tina"
              "F#", "Client.FSharp", "Program.fs", "3 7 Ok 0.5 Error DivideByZero tina" ] do
            test $"the {language} client runs, and prints what its comments say" {
                let code, out, err = run "dotnet" [ sampleDll name ] (TimeSpan.FromMinutes 1.0)
                Expect.equal code 0 $"exit code ({err})"
                Expect.equal (out.Replace("\r", "")) $"{printed}\nVALIDATION_ERROR command.a\n" "output"
            }
            test $"the README shows the {language} client as it is" {
                let path = $"samples/{name}/{file}"
                let source = File.ReadAllText(Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "..", path))
                Expect.equal (readmeBlock path) source path
            }
    ]
