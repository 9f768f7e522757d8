/// The `tino` tool end to end against an interop server: its subcommands run in-process with captured output,
/// and the built tool once as a process.
module Tino.Tests.Cli.CliTests

open System
open System.IO
open Expecto
open Spectre.Console
open Tino.Cli
open Tino.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// Runs `tino <args>`; returns the exit code, what went to standard output (results and tables) and to standard error.
let tino (args: string list) =
    use out = new StringWriter()
    use error = new StringWriter()
    let console =
        AnsiConsole.Create(
            AnsiConsoleSettings(
                Out = AnsiConsoleOutput(out),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No))
    console.Profile.Width <- 160
    let code = (TinoCommandLine.RunAsync(Array.ofList args, CliContext(console, out, error))).GetAwaiter().GetResult()
    code, out.ToString(), error.ToString()

let uriOf (server: TinoServer) = $"redis://127.0.0.1:{portOf server}"

[<Tests>]
let tests =
    testSequenced <| testList "tino tool" [
        test "call prints the JSON result" {
            withServer (fun server ->
                Expect.equal (tino [ "call"; uriOf server; "add"; "1"; "2" ]) (0, "3\n", "") "add"
                Expect.equal (tino [ "call"; $"127.0.0.1:{portOf server}"; "add"; "1"; "-5" ]) (0, "-4\n", "") "host:port and a negative number"
                let code, out, _ = tino [ "call"; uriOf server; "create_note"; """{"text":"milk","completed":false}""" ]
                Expect.equal (code, out) (0, "{\"id\":1,\"text\":\"milk\",\"completed\":false}\n") "a record")
        }
        test "call prints an error with its code to standard error and exits 1" {
            withServer (fun server ->
                Expect.equal (tino [ "call"; uriOf server; "add"; "1" ]) (1, "", "NUM_ARG_MISMATCH expected 2 got 1\n") "count"
                Expect.equal (tino [ "call"; uriOf server; "fail"; "\"NOT_FOUND\""; "\"gone\"" ]) (1, "", "NOT_FOUND \"gone\"\n") "typed"
                Expect.equal (tino [ "call"; uriOf server; "whoami" ]) (1, "", $"{notAuthenticated}\n") "needs auth"
                let code, _, error = tino [ "call"; uriOf server; "add"; "1"; "x" ]
                Expect.equal code 1 "not JSON"
                Expect.stringStarts error "INVALID_JSON [\"command\",\"b\"]" "located")
        }
        test "call authenticates with --password, --user, or credentials in the URI" {
            withServer (fun server ->
                Expect.equal (tino [ "call"; uriOf server; "whoami"; "--password"; "tinaspassword" ]) (0, "\"tina\"\n", "") "--password"
                Expect.equal (tino [ "--user"; "bob"; "-a"; "bobspassword"; "call"; uriOf server; "whoami" ]) (0, "\"bob\"\n", "") "--user and -a before the subcommand"
                Expect.equal (tino [ "call"; $"redis://:tinaspassword@127.0.0.1:{portOf server}"; "whoami" ]) (0, "\"tina\"\n", "") "URI"
                let code, _, error = tino [ "call"; uriOf server; "whoami"; "--password"; "wrong" ]
                Expect.equal code 2 "refused credentials"
                Expect.stringContains error "cannot connect" "says so")
        }
        test "health prints READY and exits 0, or NOT_READY and why and exits 1, for a probe" {
            let mutable readiness = TinoReadiness.Ready
            let check = Func<Threading.CancellationToken, Threading.Tasks.ValueTask<TinoReadiness>>(fun _ -> Threading.Tasks.ValueTask<TinoReadiness>(readiness))
            withHostOptions (TinoHostOptions(ReadinessCheck = check)) (Tino.Tests.Hosting.TestApp.create ()) (fun server ->
                Expect.equal (tino [ "health"; uriOf server ]) (0, "READY\n", "") "ready"
                readiness <- TinoReadiness.NotReady "database"
                Expect.equal (tino [ "health"; uriOf server ]) (1, "NOT_READY \"database\"\n", "") "not ready, and why")
            let code, _, _ = tino [ "health"; "redis://127.0.0.1:1" ]
            Expect.equal code 2 "unreachable"
        }
        test "a server that is not there exits 2" {
            let code, _, error = tino [ "call"; "redis://127.0.0.1:1"; "add"; "1"; "2" ]
            Expect.equal code 2 "unreachable"
            Expect.stringStarts error "tino: cannot connect to redis://127.0.0.1:1" "says so"
        }
        test "describe prints the commands and the records they use as tables" {
            withServer (fun server ->
                let code, out, error = tino [ "describe"; uriOf server ]
                Expect.equal (code, error) (0, "") "ok"
                for expected in [ "Commands"; "│ ADD "; "a: int32, b: int32"; "│ int64 "; "│ WHOAMI "; "│ yes "; "array<Note>"; "Types"; "NoteInput"; "text: string, completed: bool"; "id: int32" ] do
                    Expect.stringContains out expected expected)
        }
        test "bench runs the calls and prints throughput, percentiles and a histogram" {
            withServer (fun server ->
                let code, out, error = tino [ "bench"; uriOf server; "add"; "1"; "2"; "-c"; "4"; "-n"; "3000"; "-P"; "4" ]
                Expect.equal (code, error) (0, "") "ok"
                for expected in [ "3,000 calls of ADD"; "over 4 connections, 4 in flight each"; "calls/s"; "p50"; "p99.9"; "max"; "Calls by latency" ] do
                    Expect.stringContains out expected expected)
        }
        test "bench stops at the first call when the server refuses it" {
            withServer (fun server ->
                Expect.equal (tino [ "bench"; uriOf server; "nope"; "-c"; "2"; "-n"; "10" ]) (1, "", "INVALID_COMMAND nope\n") "the server's error"
                let code, _, error = tino [ "bench"; uriOf server; "add"; "{"; "-n"; "10" ]
                Expect.equal code 1 "not JSON"
                Expect.stringContains error "not JSON" "says so")
        }
        test "bench percentiles are nearest-rank and the histogram counts every call" {
            let sorted = [| 1.0 .. 100.0 |]
            Expect.equal [ for p in [ 50.0; 90.0; 99.0; 100.0 ] -> BenchReport.Percentile(sorted, p) ] [ 50.0; 90.0; 99.0; 100.0 ] "percentiles"
            let buckets = BenchReport.Histogram([| 0.005; 0.05; 0.5; 3.0; 60000.0 |]) |> Seq.map (fun struct (label, count) -> label, count) |> List.ofSeq
            Expect.equal (buckets |> List.sumBy snd) 5 "every call"
            Expect.equal (fst buckets.Head, fst (List.last buckets)) ("<= 10 µs", "> 50 s") "from the first bucket used to the last"
        }
        test "the built tool prints its help as a dotnet tool does" {
            let dll = Path.Combine(AppContext.BaseDirectory, "Tino.Cli.dll")
            let code, out, _ = Tino.Tests.Interop.RealClientTests.run "dotnet" [ dll; "--help" ] (TimeSpan.FromSeconds 60.0)
            Expect.equal code 0 "exit code"
            for expected in [ "tino [command] [options]"; "call <uri> <command> <arguments>"; "describe <uri>"; "bench <uri> <command> <arguments>"; "--user"; "--password"; "--tls" ] do
                Expect.stringContains out expected expected
        }
    ]
