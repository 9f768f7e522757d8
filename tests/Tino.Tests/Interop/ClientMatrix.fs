/// Real Redis clients against an interop server (docs/interop-server.md): redis-py, redis-cli, redis-benchmark and
/// StackExchange.Redis, each making calls, getting errors, authenticating, keeping connection state, pipelining and
/// moving large values. Parameterised by the app factory so that every interop server runs the same matrix.
module Tino.Tests.Interop.ClientMatrix

// StackExchange.Redis annotates Execute's arguments in a way F# nullness cannot meet exactly.
#nowarn "3261"

open System
open System.IO
open System.Text
open System.Threading
open System.Threading.Tasks
open Expecto
open StackExchange.Redis
open Tino
open Tino.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Interop.RealClientTests

let private python = "/usr/bin/python3"

/// Debian's python3-redis and python3-msgpack for /usr/bin/python3, installed when missing.
let pythonModules =
    lazy (
        let importable () =
            try
                let code, _, _ = run python [ "-c"; "import redis, msgpack" ] (TimeSpan.FromSeconds 30.0)
                code = 0
            with _ -> false
        if not (importable ()) then
            let packages = "python3 python3-redis python3-msgpack"
            let install = $"export DEBIAN_FRONTEND=noninteractive; (apt-get install -y -q {packages} || (apt-get update -q && apt-get install -y -q {packages})) >/dev/null 2>&1"
            let code, _, err = run "sh" [ "-c"; install ] (TimeSpan.FromMinutes 10.0)
            if not (importable ()) then
                failwithf "could not install %s (apt-get exited %d): %s" packages code err)

let private tmux = ensureInstalled "tmux" "tmux"

/// Runs one case of ClientMatrix.py against the server.
let private redisPy (server: TinoServer) (case: string) =
    pythonModules.Force()
    let script = Path.Combine(AppContext.BaseDirectory, "Interop", "ClientMatrix.py")
    let code, out, err = run python [ script; string (portOf server); case ] (TimeSpan.FromMinutes 2.0)
    Expect.equal (code, out.Trim()) (0, "ok") $"redis-py {case}: {err}"

/// Runs a shell line with $PORT set to the server's port; returns the exit code and what it printed.
let private shell (server: TinoServer) (line: string) =
    redisTools.Force()
    run "sh" [ "-c"; $"PORT={portOf server}; {line}" ] (TimeSpan.FromMinutes 2.0)

let private cli (server: TinoServer) (args: string list) =
    let code, out, err = redisCli (portOf server) args
    Expect.equal code 0 $"redis-cli exit code: {err}"
    out.TrimEnd('\n')

let private benchmark (server: TinoServer) (args: string list) =
    redisTools.Force()
    run "redis-benchmark" ([ "-h"; "127.0.0.1"; "-p"; string (portOf server); "-q" ] @ args) (TimeSpan.FromMinutes 2.0)

let private temporaryFile (contents: byte[]) =
    let path = Path.Combine(Path.GetTempPath(), $"tino-matrix-{Guid.NewGuid():N}")
    File.WriteAllBytes(path, contents)
    path

/// Types `keys` into an interactive redis-cli in tmux and returns the screen once `expected` shows (or after 10 s).
let private typeInteractively (server: TinoServer) (keys: string) (expected: string) =
    tmux.Force()
    redisTools.Force()
    let session = $"tino-{Guid.NewGuid():N}"
    let tmuxRun args = run "tmux" args (TimeSpan.FromSeconds 10.0) |> ignore
    let screen () = let _, out, _ = run "tmux" [ "capture-pane"; "-p"; "-t"; session ] (TimeSpan.FromSeconds 10.0) in out
    let waitFor (text: string) =
        let deadline = DateTime.UtcNow.AddSeconds 10.0
        while not ((screen ()).Contains text) && DateTime.UtcNow < deadline do
            Thread.Sleep 50
    tmuxRun [ "new-session"; "-d"; "-s"; session; "-x"; "120"; "-y"; "10"; $"redis-cli -h 127.0.0.1 -p {portOf server}" ]
    try
        waitFor $":{portOf server}>"
        tmuxRun [ "send-keys"; "-t"; session; keys ]
        waitFor expected
        screen ()
    finally
        tmuxRun [ "kill-session"; "-t"; session ]

let private connectSE (server: TinoServer) (extra: string) =
    ConnectionMultiplexer.Connect($"127.0.0.1:{portOf server},abortConnect=true,connectTimeout=5000{extra}")

let private seValue<'T> (reply: RedisResult) = unmp<'T> (ReadOnlyMemory(bytesOf reply))

let private seError (call: unit -> RedisResult) =
    try
        call () |> ignore
        failtest "expected an error reply"
    with :? RedisServerException as e -> e.Message

/// The matrix against a fresh server of `create ()` for every test.
let tests (label: string) (create: unit -> TinoApp) : Test =
    let serve body = withApp (create ()) body
    testSequenced <| testList $"Client matrix ({label})" [
        testList "redis-py" [
            for case in [ "calls"; "errors"; "auth"; "state"; "pipelining"; "large"; "context" ] ->
                test $"redis-py {case}" { serve (fun server -> redisPy server case) }
        ]
        testList "redis-cli" [
            test "calls with TINO.JSON, and with MessagePack bytes" {
                serve (fun server ->
                    Expect.equal (cli server [ "TINO.JSON"; "add"; "1"; "2" ]) "3" "redis-cli TINO.JSON add 1 2 prints 3"
                    let note = cli server [ "TINO.JSON"; "create_note"; """{"text":"milk","completed":true}""" ]
                    Expect.stringStarts note """{"id":""" "a record with its id first"
                    Expect.stringEnds note ""","text":"milk","completed":true}""" "and its fields"
                    Expect.equal (cli server [ "ADD"; "\u0001"; "\u0002" ]) "\u0003" "the raw MessagePack of 3")
            }
            test "a call context from the shell, as docs/protocol.md shows: JSON after the byte 0xC1" {
                serve (fun server ->
                    let run line =
                        let code, out, err = shell server line
                        Expect.equal code 0 $"exit code ({err})"
                        out.TrimEnd('\n')
                    // printf's octal \301 is the byte 0xC1 in any POSIX shell; bash also takes $'\xc1'.
                    let context = """ "$(printf '\301{"timeout_ms":5000,"meta":{"tenant":"acme"}}')" """
                    Expect.equal (run $"redis-cli -p $PORT TINO.JSON add{context}1 2") "3" "a call with a context"
                    let late = """ "$(printf '\301{"timeout_ms":100}')" """
                    Expect.stringStarts (run $"redis-cli -p $PORT TINO.JSON sleep{late}60000") "DEADLINE_EXCEEDED" "cancelled at its deadline")
            }
            test "errors print with their codes" {
                serve (fun server ->
                    Expect.equal (cli server [ "TINO.JSON"; "nope" ]) "INVALID_COMMAND nope" "unknown"
                    Expect.equal (cli server [ "TINO.JSON"; "add"; "1" ]) "NUM_ARG_MISMATCH expected 2 got 1" "count"
                    Expect.stringStarts (cli server [ "TINO.JSON"; "add"; "1"; "{" ]) "INVALID_JSON [\"command\",\"b\"]" "not JSON"
                    Expect.equal (cli server [ "TINO.JSON"; "fail"; "\"TEAPOT\""; "\"short and stout\"" ]) "TEAPOT \"short and stout\"" "typed")
            }
            test "auth with -a and --user" {
                serve (fun server ->
                    Expect.equal (cli server [ "TINO.JSON"; "whoami" ]) notAuthenticated "without"
                    Expect.equal (cli server [ "-a"; "tinaspassword"; "--no-auth-warning"; "TINO.JSON"; "whoami" ]) "\"tina\"" "password"
                    Expect.equal (cli server [ "--user"; "bob"; "--pass"; "bobspassword"; "--no-auth-warning"; "TINO.JSON"; "whoami" ]) "\"bob\"" "user"
                    let _, out, err = redisCli (portOf server) [ "-a"; "wrong"; "--no-auth-warning"; "TINO.JSON"; "whoami" ]
                    Expect.stringContains (out + err) "PERMISSION_DENIED" "refused")
            }
            test "one session keeps its connection state and its codec" {
                serve (fun server ->
                    let code, out, err = shell server "printf 'TINO.JSON counter\\nTINO.JSON counter\\nTINO.CODEC json\\ncounter\\nadd 40 2\\nTINO.CODEC msgpack\\n' | redis-cli -p $PORT"
                    Expect.equal (code, out) (0, "1\n2\nOK\n3\n42\nOK\n") $"a session: {err}")
            }
            test "--pipe sends a thousand calls and an error in one go" {
                serve (fun server ->
                    let frames = Array.concat [ for i in 1..1000 -> request "ADD" [ mp (i % 100); mp 1 ] ]
                    let path = temporaryFile (Array.append frames (request "NOPE" []))
                    try
                        let _, out, err = shell server $"redis-cli -p $PORT --pipe < {path}"
                        Expect.stringContains (out + err) "errors: 1, replies: 1001" "every reply counted"
                    finally File.Delete path)
            }
            test "large values through -x and TINO.JSON" {
                serve (fun server ->
                    let bytes = Array.init 1_000_000 (fun i -> byte (i % 256))
                    let path = temporaryFile (Encoding.ASCII.GetBytes $"\"{Convert.ToBase64String bytes}\"")
                    try
                        let code, out, err = shell server $"redis-cli -p $PORT -x TINO.JSON blob_len < {path}"
                        Expect.equal (code, out.Trim()) (0, "1000000") $"a 1 MB bin argument: {err}"
                    finally File.Delete path
                    let blob = cli server [ "TINO.JSON"; "blob"; "300000" ]
                    Expect.equal (Convert.FromBase64String(blob.Trim('"'))) (Array.init 300000 (fun i -> byte (i % 251))) "a 300 KB reply")
            }
            test "interactive redis-cli hints name the parameters" {
                serve (fun server ->
                    let screen = typeInteractively server "ADD " "ADD a b"
                    Expect.stringContains screen "ADD a b" "the hint shows a and b")
            }
        ]
        testList "redis-benchmark" [
            test "a call benchmarks without an error" {
                serve (fun server ->
                    let code, out, err = benchmark server [ "-c"; "10"; "-n"; "5000"; "ADD"; "\u0001"; "\u0002" ]
                    Expect.equal code 0 $"exit code: {err}"
                    Expect.stringContains out "requests per second" "measured")
            }
            test "an error reply stops the run with the server's error" {
                serve (fun server ->
                    let code, _, err = benchmark server [ "-c"; "2"; "-n"; "100"; "NOPE" ]
                    Expect.notEqual code 0 "failed"
                    Expect.stringContains err "INVALID_COMMAND NOPE" "the error")
            }
            test "auth with -a, and refused without" {
                serve (fun server ->
                    let code, _, err = benchmark server [ "-a"; "tinaspassword"; "-c"; "5"; "-n"; "2000"; "WHOAMI" ]
                    Expect.equal code 0 $"authenticated: {err}"
                    let refused, _, err = benchmark server [ "-c"; "2"; "-n"; "100"; "WHOAMI" ]
                    Expect.notEqual refused 0 "refused"
                    Expect.stringContains err "PERMISSION_DENIED" "denied")
            }
            test "connection state on many connections at once" {
                serve (fun server ->
                    let code, out, err = benchmark server [ "-c"; "20"; "-n"; "10000"; "COUNTER" ]
                    Expect.equal code 0 $"exit code: {err}"
                    Expect.stringContains out "requests per second" "measured")
            }
            test "pipelined: 50 connections, 16 deep" {
                serve (fun server ->
                    let code, out, err = benchmark server [ "-c"; "50"; "-n"; "50000"; "-P"; "16"; "ADD"; "\u0001"; "\u0002" ]
                    Expect.equal code 0 $"exit code: {err}"
                    Expect.stringContains out "requests per second" "measured")
            }
            test "large replies: 64 KB each" {
                serve (fun server ->
                    // The argument is the MessagePack of 65535 (0xCD 0xFF 0xFF), bytes that only a shell can put in argv.
                    let code, out, err = shell server "redis-benchmark -h 127.0.0.1 -p $PORT -q -c 10 -n 2000 BLOB \"$(printf '\\315\\377\\377')\""
                    Expect.equal code 0 $"exit code: {err}"
                    Expect.stringContains out "requests per second" "measured")
            }
        ]
        testList "StackExchange.Redis" [
            test "calls with MessagePack bytes and with TINO.JSON" {
                serve (fun server ->
                    use redis = connectSE server ""
                    let db = redis.GetDatabase()
                    Expect.equal (bytesOf (execute db "ADD" [ [| 1uy |]; [| 2uy |] ])) [| 3uy |] "add"
                    Expect.equal (seValue<string> (execute db "concat" [ mp [| "se"; ".redis" |] ])) "se.redis" "concat"
                    let json = db.Execute("TINO.JSON", [| box "add"; box "20"; box "22" |])
                    Expect.equal (string json) "42" "TINO.JSON")
            }
            test "errors surface as RedisServerException and the connection stays up" {
                serve (fun server ->
                    use redis = connectSE server ""
                    let db = redis.GetDatabase()
                    Expect.equal (seError (fun () -> execute db "NOPE" [])) "INVALID_COMMAND NOPE" "unknown"
                    Expect.equal (seError (fun () -> execute db "ADD" [ mp 1 ])) "NUM_ARG_MISMATCH expected 2 got 1" "count"
                    Expect.equal (seError (fun () -> execute db "FAIL" [ mp "NOT_FOUND"; mp "gone" ])) "NOT_FOUND \"gone\"" "typed"
                    Expect.stringStarts (seError (fun () -> execute db "CRASH" [])) "UNEXPECTED_ERROR" "crash"
                    Expect.isTrue redis.IsConnected "still connected"
                    Expect.equal (bytesOf (execute db "ADD" [ [| 1uy |]; [| 1uy |] ])) [| 2uy |] "still calling")
            }
            test "auth with a password, refused without or with a wrong one" {
                serve (fun server ->
                    use anonymous = connectSE server ""
                    Expect.equal (seError (fun () -> execute (anonymous.GetDatabase()) "WHOAMI" [])) notAuthenticated "without"
                    use tina = connectSE server ",password=tinaspassword"
                    Expect.equal (seValue<string> (execute (tina.GetDatabase()) "WHOAMI" [])) "tina" "tina"
                    use bob = connectSE server ",user=bob,password=bobspassword"
                    Expect.equal (seValue<string> (execute (bob.GetDatabase()) "WHOAMI" [])) "bob" "bob"
                    Expect.throws (fun () -> (connectSE server ",password=wrong").Dispose()) "a wrong password fails the connect")
            }
            test "connection state lives on the multiplexer's interactive connection" {
                serve (fun server ->
                    use redis = connectSE server ""
                    let db = redis.GetDatabase()
                    let counts = [ for _ in 1..3 -> seValue<int> (execute db "COUNTER" []) ]
                    Expect.equal counts [ 1; 2; 3 ] "counts on"
                    use other = connectSE server ""
                    Expect.equal (seValue<int> (execute (other.GetDatabase()) "COUNTER" [])) 1 "another multiplexer starts again")
            }
            test "a thousand concurrent calls pipeline on one connection and each gets its own reply" {
                serve (fun server ->
                    use redis = connectSE server ""
                    let db = redis.GetDatabase()
                    let calls = [| for i in 0..999 -> db.ExecuteAsync("ADD", [| box (mp i); box (mp 1) |]) |]
                    let replies = Task.WhenAll(calls).GetAwaiter().GetResult()
                    Expect.equal (replies |> Array.map seValue<int>) [| for i in 0..999 -> i + 1 |] "each its own")
            }
            test "large values both ways" {
                serve (fun server ->
                    use redis = connectSE server ""
                    let db = redis.GetDatabase()
                    let blob = seValue<byte[]> (execute db "BLOB" [ mp 4_000_000 ])
                    Expect.equal blob.Length 4_000_000 "4 MB reply"
                    Expect.equal blob[251..253] [| 0uy; 1uy; 2uy |] "i % 251"
                    Expect.equal (seValue<int> (execute db "BLOB_LEN" [ mp (Array.create 4_000_000 9uy) ])) 4_000_000 "4 MB argument")
            }
        ]
    ]
