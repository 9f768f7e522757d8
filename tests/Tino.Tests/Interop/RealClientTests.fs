module Tino.Tests.Interop.RealClientTests

// StackExchange.Redis annotates Execute's arguments in a way F# nullness cannot meet exactly.
#nowarn "3261"

open System
open System.Diagnostics
open Expecto
open StackExchange.Redis
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// Runs a program to completion, returning its exit code and what it printed.
let run (program: string) (args: string list) (timeout: TimeSpan) =
    let info = ProcessStartInfo(program, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    for arg in args do
        info.ArgumentList.Add arg
    use proc = nonNull (Process.Start info)
    let stdout = proc.StandardOutput.ReadToEndAsync()
    let stderr = proc.StandardError.ReadToEndAsync()
    if not (proc.WaitForExit timeout) then
        proc.Kill true
        failwithf "%s did not finish within %O" program timeout
    proc.ExitCode, stdout.Result, stderr.Result

let private onPath (program: string) =
    let code, _, _ = run "sh" [ "-c"; $"command -v {program}" ] (TimeSpan.FromSeconds 10.0)
    code = 0

/// Installs the Debian packages the tests need when their programs are missing (the suite runs as root).
let ensureInstalled (program: string) (package: string) =
    lazy (
        if not (onPath program) then
            let install = $"export DEBIAN_FRONTEND=noninteractive; (apt-get install -y -q {package} || (apt-get update -q && apt-get install -y -q {package})) >/dev/null 2>&1"
            let code, _, err = run "sh" [ "-c"; install ] (TimeSpan.FromMinutes 10.0)
            if code <> 0 || not (onPath program) then
                failwithf "could not install %s (apt-get exited %d): %s" package code err)

/// The raw bytes of a bulk reply.
let bytesOf (reply: RedisResult) : byte[] = nonNull (RedisResult.op_Explicit reply : byte[] | null)

/// Calls a Tino command with MessagePack arguments through StackExchange.Redis.
let execute (db: IDatabase) (name: string) (args: byte[] list) : RedisResult =
    db.Execute(name, ResizeArray<obj>(List.map box args) :> Collections.Generic.ICollection<obj>, CommandFlags.None)

let redisTools = ensureInstalled "redis-cli" "redis-tools"

let redisCli port (args: string list) =
    redisTools.Force()
    run "redis-cli" ([ "-h"; "127.0.0.1"; "-p"; string port ] @ args) (TimeSpan.FromSeconds 30.0)

[<Tests>]
let realClients =
    testSequenced <| testList "Real Redis clients" [
        test "StackExchange.Redis connects through its handshake and calls a command" {
            withServer (fun server ->
                let config = ConfigurationOptions.Parse($"127.0.0.1:{portOf server}")
                config.AbortOnConnectFail <- true
                config.ConnectTimeout <- 10000
                use redis = ConnectionMultiplexer.Connect config
                let db = redis.GetDatabase()
                let reply = execute db "ADD" [ [| 1uy |]; [| 2uy |] ]
                Expect.equal (bytesOf reply) [| 3uy |] "add(1, 2) = 3"
                Expect.throwsT<RedisServerException> (fun () -> db.Execute("NOPE") |> ignore) "error reply"
                Expect.isTrue redis.IsConnected "the connection stays up after an error"
                Expect.equal (db.Ping() > TimeSpan.Zero) true "PING answers")
        }
        test "StackExchange.Redis surfaces a Tino error as RedisServerException with its code" {
            withServer (fun server ->
                use redis = ConnectionMultiplexer.Connect($"127.0.0.1:{portOf server},abortConnect=true")
                let db = redis.GetDatabase()
                try
                    execute db "FAIL" [ mp "NOT_FOUND"; mp "gone" ] |> ignore
                    failtest "expected an error"
                with :? RedisServerException as e ->
                    Expect.equal e.Message "NOT_FOUND \"gone\"" "code and message")
        }
        test "StackExchange.Redis authenticates with a password" {
            withServer (fun server ->
                use redis = ConnectionMultiplexer.Connect($"127.0.0.1:{portOf server},password=tinaspassword,abortConnect=true")
                let reply = redis.GetDatabase().Execute("WHOAMI")
                Expect.equal (unmp<string> (ReadOnlyMemory(bytesOf reply))) "tina" "authenticated")
        }
        test "redis-cli PING prints PONG" {
            withServer (fun server ->
                let code, out, _ = redisCli (portOf server) [ "PING" ]
                Expect.equal (code, out.Trim()) (0, "PONG") "pong")
        }
        test "redis-cli calls a command with MessagePack bytes as arguments" {
            withServer (fun server ->
                let code, out, _ = redisCli (portOf server) [ "ADD"; "\u0001"; "\u0002" ]
                Expect.equal code 0 "exit code"
                Expect.equal (out.TrimEnd('\n')) "\u0003" "the raw MessagePack of 3")
        }
        test "redis-cli prints a Tino error" {
            withServer (fun server ->
                let _, out, _ = redisCli (portOf server) [ "NOPE" ]
                Expect.stringContains out "INVALID_COMMAND NOPE" "error text")
        }
        test "redis-benchmark runs a pipelined benchmark of a Tino command without an error" {
            withServer (fun server ->
                redisTools.Force()
                let args = [ "-h"; "127.0.0.1"; "-p"; string (portOf server); "-c"; "50"; "-n"; "20000"; "-P"; "16"; "-q"; "ADD"; "\u0001"; "\u0002" ]
                let code, out, err = run "redis-benchmark" args (TimeSpan.FromMinutes 2.0)
                Expect.equal code 0 $"redis-benchmark succeeded: {out} {err}"
                Expect.stringContains out "requests per second" "it measured")
        }
    ]
