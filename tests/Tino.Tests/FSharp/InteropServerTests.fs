module Tino.Tests.FSharp.InteropServerTests

// StackExchange.Redis annotates Execute's arguments in a way F# nullness cannot meet exactly.
#nowarn "3261"

open System
open System.Diagnostics
open System.IO
open Expecto
open StackExchange.Redis
open Tino.Samples.InteropServer
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.FSharp.BuilderTests

/// Runs a program to completion: its exit code and what it printed. (Interop/RealClientTests.fs, which has the
/// like of it, compiles after this file.)
let run (program: string) (args: string list) (timeout: TimeSpan) =
    let info = ProcessStartInfo(program, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    args |> List.iter info.ArgumentList.Add
    use proc = nonNull (Process.Start info)
    let out, err = proc.StandardOutput.ReadToEndAsync(), proc.StandardError.ReadToEndAsync()
    if not (proc.WaitForExit timeout) then
        proc.Kill true
        failwithf "%s did not finish within %O" program timeout
    proc.ExitCode, out.Result, err.Result

/// Calls a command through StackExchange.Redis, returning the reply's bytes.
let execute (db: IDatabase) (name: string) (args: byte[] list) : byte[] =
    nonNull (RedisResult.op_Explicit (db.Execute(name, ResizeArray<obj>(List.map box args) :> Collections.Generic.ICollection<obj>)) : byte[] | null)

let withInterop body = withApp (InteropApp.create ()) body

/// A map as another language's client sends it: string keys, any values.
let mapOf (pairs: (string * obj) list) = mp (dict pairs)

let shapeBytes (tag: int) (fields: (string * float) list) =
    let map = Collections.Generic.Dictionary<string, obj>()
    for name, v in fields do
        map[name] <- box v
    mp [| box tag; box map |]

[<Tests>]
let commands =
    testSequenced <| testList "F# interop server commands" [
        test "add adds two int32 into a 64-bit integer" {
            withInterop (fun server ->
                use c = connect server
                Expect.equal (value<int64> (c.Call("add", mp 1, mp 2))) 3L "1 + 2"
                Expect.equal (value<int64> (c.Call("ADD", mp Int32.MaxValue, mp Int32.MaxValue))) 4294967294L "no overflow")
        }
        test "echo_value returns any value as it came" {
            withInterop (fun server ->
                use c = connect server
                for input in [ [| 0xC0uy |]; mp true; mp -5; mp 1.5f; mp "text"; mp [| 1uy; 2uy |]; [| 0x93uy; 0x01uy; 0xa1uy; 0x61uy; 0xC0uy |]; mapOf [ "k", box [| 1; 2 |] ] ] do
                    Expect.equal ((c.Call("echo_value", input)).Bytes.ToArray()) input "the same bytes")
        }
        test "concat joins strings" {
            withInterop (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("concat", mp [| "a"; "b"; "c" |]))) "abc" "abc"
                Expect.equal (value<string> (c.Call("concat", mp Array.empty<string>))) "" "empty")
        }
        test "notes are created with ids from 1, read back in order, and found by id" {
            withInterop (fun server ->
                use c = connect server
                let created = value<Collections.Generic.Dictionary<string, obj>> (c.Call("create_note", mapOf [ "text", box "milk"; "completed", box false ]))
                Expect.equal (created["id"], created["text"], created["completed"]) (box 1uy, box "milk", box false) "first note"
                c.Call("create_note", mapOf [ "completed", box true; "text", box "eggs" ]) |> ignore
                let all = value<Collections.Generic.Dictionary<string, obj>[]> (c.Call "read_notes")
                Expect.equal (all |> Array.map (fun n -> n["text"])) [| box "milk"; box "eggs" |] "by id"
                let found = value<Collections.Generic.Dictionary<string, obj>> (c.Call("get_note", mp 2))
                Expect.equal found["completed"] (box true) "found"
                Expect.equal ((c.Call("get_note", mp 99)).Bytes.ToArray()) [| 0xC0uy |] "nil when missing"
                Expect.equal (errorText (c.Call("create_note", mapOf [ "text", box "x" ])))
                    "VALIDATION_ERROR [\"command\",\"note\",\"completed\"] \"field is required\" \"bool\"" "located")
        }
        test "whoami needs AUTH; maybe_whoami gives nil without it" {
            withInterop (fun server ->
                use c = connect server
                expectErrorStarts "PERMISSION_DENIED" (c.Call "whoami")
                Expect.equal ((c.Call "maybe_whoami").Bytes.ToArray()) [| 0xC0uy |] "nil"
                Expect.equal (text (c.Call("AUTH", ascii "bobspassword"))) "OK" "auth"
                Expect.equal (value<string> (c.Call "whoami")) "bob" "whoami"
                Expect.equal (value<string> (c.Call "maybe_whoami")) "bob" "maybe_whoami")
        }
        test "counter counts per connection" {
            withInterop (fun server ->
                use first = connect server
                use second = connect server
                Expect.equal [ for _ in 1..3 -> value<int> (first.Call "counter") ] [ 1; 2; 3 ] "first"
                Expect.equal (value<int> (second.Call "counter")) 1 "second")
        }
        test "fail replies the code and message; crash replies UNEXPECTED_ERROR without the cause" {
            withInterop (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("fail", mp "NOT_FOUND", mp "no note 7"))) "NOT_FOUND \"no note 7\"" "typed"
                expectErrorStarts "UNEXPECTED_ERROR" (c.Call("fail", mp "bad code", mp "x"))
                let crash = errorText (c.Call "crash")
                Expect.stringStarts crash "UNEXPECTED_ERROR" "crash"
                Expect.isFalse (crash.Contains "secret") "hidden")
        }
        test "sleep waits and returns ms" {
            withInterop (fun server ->
                use c = connect server
                let watch = Stopwatch.StartNew()
                Expect.equal (value<int> (c.Call("sleep", mp 50))) 50 "ms"
                Expect.isGreaterThanOrEqual watch.ElapsedMilliseconds 45L "waited")
        }
        test "blob, blob_len and echo_bin" {
            withInterop (fun server ->
                use c = connect server
                Expect.equal (value<byte[]> (c.Call("blob", mp 300))) (Array.init 300 (fun i -> byte (i % 251))) "blob"
                Expect.equal (value<int> (c.Call("blob_len", mp (Array.zeroCreate<byte> 1000)))) 1000 "blob_len"
                Expect.equal (value<byte[]> (c.Call("echo_bin", mp [| 1uy; 2uy; 3uy |]))) [| 1uy; 2uy; 3uy |] "echo_bin")
        }
        test "shape_name reads the Shape union" {
            withInterop (fun server ->
                use c = connect server
                Expect.equal (value<string> (c.Call("shape_name", shapeBytes 0 [ "radius", 1.5 ]))) "circle 1.5" "circle"
                Expect.equal (value<string> (c.Call("shape_name", shapeBytes 1 [ "width", 2.0; "height", 0.1 ]))) "rect 2 0.1" "rect"
                Expect.equal (value<string> (c.Call("shape_name", shapeBytes 0 [ "radius", 1.0 / 3.0 ]))) "circle 0.3333333333333333" "shortest round trip"
                expectErrorStarts "VALIDATION_ERROR [\"command\",\"s\",0] \"unknown case tag 2" (c.Call("shape_name", shapeBytes 2 []))
                expectErrorStarts "VALIDATION_ERROR [\"command\",\"s\",\"height\"] \"field is required\"" (c.Call("shape_name", shapeBytes 1 [ "width", 1.0 ])))
        }
        test "protocol errors are the documented ones" {
            withInterop (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call "nope")) "INVALID_COMMAND nope" "unknown"
                Expect.equal (errorText (c.Call("add", mp 1))) "NUM_ARG_MISMATCH expected 2 got 1" "arity"
                expectErrorStarts "INVALID_MSGPACK [\"command\",\"b\"]" (c.Call("add", mp 1, [| 0xC1uy |]))
                Expect.equal (errorText (c.Call("add", mp 1, mp "x"))) "VALIDATION_ERROR [\"command\",\"b\"] \"expected int32, got string\" \"int32\"" "type")
        }
    ]

/// Debian's redis-py and msgpack for /usr/bin/python3, installed when missing (the suite runs as root).
let pythonClients =
    lazy (
        let check () = let code, _, _ = run "/usr/bin/python3" [ "-c"; "import redis, msgpack" ] (TimeSpan.FromSeconds 30.0) in code = 0
        if not (check ()) then
            let install = "(apt-get install -y -q python3-redis python3-msgpack || (apt-get update -q && apt-get install -y -q python3-redis python3-msgpack)) >/dev/null 2>&1"
            let code, _, err = run "sh" [ "-c"; install ] (TimeSpan.FromMinutes 10.0)
            if code <> 0 || not (check ()) then failwithf "could not install python3-redis and python3-msgpack (apt-get exited %d): %s" code err)

/// What redis-py sees calling the interop server: one line per call, the decoded reply or the error text.
let redisPyScript = """
import sys, msgpack, redis
r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
def call(name, *args):
    try:
        print(repr(msgpack.unpackb(r.execute_command(name, *[msgpack.packb(a) for a in args]), raw=False)))
    except redis.exceptions.ResponseError as e:
        print("ERR " + str(e))
call("ADD", 1, 2)
call("echo_value", {"a": [1, 2.5, None, True]})
call("concat", ["x", "y"])
call("create_note", {"text": "milk", "completed": False})
call("read_notes")
call("get_note", 1)
call("get_note", 5)
call("maybe_whoami")
call("whoami")
call("counter"); call("counter")
call("fail", "NOT_FOUND", "gone")
call("crash")
call("sleep", 10)
call("blob_len", b"abc")
call("echo_bin", b"abc")
call("shape_name", [1, {"width": 2.5, "height": 4.0}])
call("add", 1)
call("create_note", {"text": "x"})
r2 = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), password="tinaspassword")
print(repr(msgpack.unpackb(r2.execute_command("WHOAMI"))))
"""

let expectedFromPython =
    [ "3"
      "{'a': [1, 2.5, None, True]}"
      "'xy'"
      "{'id': 1, 'text': 'milk', 'completed': False}"
      "[{'id': 1, 'text': 'milk', 'completed': False}]"
      "{'id': 1, 'text': 'milk', 'completed': False}"
      "None"
      "None"
      $"ERR {notAuthenticated}"
      "1"
      "2"
      "ERR NOT_FOUND \"gone\""
      "UNEXPECTED"
      "10"
      "3"
      "b'abc'"
      "'rect 2.5 4'"
      "ERR NUM_ARG_MISMATCH expected 2 got 1"
      "ERR VALIDATION_ERROR [\"command\",\"note\",\"completed\"] \"field is required\" \"bool\""
      "'tina'" ]

[<Tests>]
let realClients =
    testSequenced <| testList "F# interop server with real clients" [
        test "redis-py gets the documented replies and errors" {
            pythonClients.Force()
            withInterop (fun server ->
                let code, out, err = run "/usr/bin/python3" [ "-c"; redisPyScript; string (portOf server) ] (TimeSpan.FromSeconds 60.0)
                Expect.equal code 0 $"python ran: {err}"
                let lines = out.Split('\n', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray
                let comparable = lines |> List.map (fun line -> if line.StartsWith "ERR UNEXPECTED_ERROR" then "UNEXPECTED" else line)
                Expect.equal comparable expectedFromPython "replies")
        }
        test "StackExchange.Redis gets the documented replies and errors" {
            withInterop (fun server ->
                use redis = ConnectionMultiplexer.Connect($"127.0.0.1:{portOf server},password=tinaspassword,abortConnect=true")
                let db = redis.GetDatabase()
                Expect.equal (execute db "ADD" [ mp 1; mp 2 ]) [| 3uy |] "add"
                Expect.equal (unmp<string> (ReadOnlyMemory(execute db "whoami" []))) "tina" "whoami"
                Expect.equal (unmp<string> (ReadOnlyMemory(execute db "shape_name" [ shapeBytes 0 [ "radius", 2.0 ] ]))) "circle 2" "shape"
                let errorOf call =
                    try
                        call () |> ignore
                        failtest "expected an error reply"
                    with :? RedisServerException as e ->
                        e.Message
                Expect.equal (errorOf (fun () -> execute db "fail" [ mp "GONE"; mp "away" ])) "GONE \"away\"" "typed error"
                Expect.stringStarts (errorOf (fun () -> execute db "shape_name" [ shapeBytes 9 [] ])) "VALIDATION_ERROR [\"command\",\"s\",0]" "bad tag")
        }
        test "the sample program prints its listening line and stops with exit code 0 on SIGTERM" {
            let dll = Path.Combine(AppContext.BaseDirectory, "InteropServer.FSharp.dll")
            let info = ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
            for arg in [ dll; "--port"; "0" ] do
                info.ArgumentList.Add arg
            use proc = nonNull (Process.Start info)
            try
                let line = proc.StandardOutput.ReadLine() |> string
                Expect.stringStarts line "Tino listening on redis://127.0.0.1:" "listening line"
                let port = int (line.Substring(line.LastIndexOf ':' + 1))
                Expect.isGreaterThan port 0 "the real port"
                use c = new RespConnection(port)
                Expect.equal (value<int64> (c.Call("add", mp 20, mp 22))) 42L "serves"
                let code, _, _ = run "kill" [ "-TERM"; string proc.Id ] (TimeSpan.FromSeconds 10.0)
                Expect.equal code 0 "signalled"
                Expect.isTrue (proc.WaitForExit 15000) "stopped"
                Expect.equal proc.ExitCode 0 "exit code 0"
            finally
                if not proc.HasExited then proc.Kill true
        }
    ]
