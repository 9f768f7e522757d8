/// samples/InteropServer.CSharp (docs/interop-server.md built with the C# builder) and samples/QuickStart.CSharp, in process and as processes.
module Tino.Tests.CSharp.InteropServerTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto
open MessagePack
open Tino.Samples.InteropServer.CSharp
open Tino.Tests.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.CSharp.BuilderTests

let private json (reply: Tino.Protocol.RespReply) = MessagePackSerializer.ConvertToJson(reply.Bytes)

/// A MessagePack map from string keys, as a client would send a record.
let private map (pairs: (string * objnull) list) = Collections.Generic.Dictionary<string, objnull>(dict pairs)

let private note (text: string) (completed: bool) = mp (map [ "text", box text; "completed", box completed ])

/// Requests for every interop command but crash and shape_name (which the Tino.Core app lacks), errors included.
let private sharedRequests =
    [ request "add" [ mp 1; mp 2 ]
      request "add" [ mp Int32.MaxValue; mp Int32.MaxValue ]
      request "echo_value" [ mp (map [ "k", box [| box 1; box "a"; null; box true; box 1.5 |] ]) ]
      request "concat" [ mp [| "a"; "b"; "c" |] ]
      request "create_note" [ note "first" false ]
      request "create_note" [ note "second" true ]
      request "create_note" [ mp (map [ "text", box "no completed" ]) ]
      request "read_notes" []
      request "get_note" [ mp 2 ]
      request "get_note" [ mp 99 ]
      request "whoami" []
      request "maybe_whoami" []
      request "AUTH" [ ascii "bobspassword" ]
      request "whoami" []
      request "maybe_whoami" []
      request "counter" []
      request "counter" []
      request "fail" [ mp "NOT_FOUND"; mp "gone" ]
      request "sleep" [ mp 5 ]
      request "blob" [ mp 300 ]
      request "blob_len" [ mp [| 1uy; 2uy; 3uy |] ]
      request "echo_bin" [ mp (Array.init 300 byte) ]
      request "echo_bin" [ mp "not bin" ]
      request "add" [ mp 1 ]
      request "add" [ mp "x"; mp 1 ] ]

[<Tests>]
let inProcess =
    testSequenced <| testList "C# interop server" [
        test "answers every interop command" {
            withApp (InteropApp.Create()) (fun server ->
                use c = connect server
                Expect.equal (value<int64> (c.Call("add", mp Int32.MaxValue, mp Int32.MaxValue))) 4294967294L "add, 64-bit"
                Expect.equal (json (c.Call("echo_value", mp (map [ "k", box [| box 1; box "a"; null |] ])))) """{"k":[1,"a",null]}""" "echo_value"
                Expect.equal (c.Call("echo_value", [| 0xc4uy; 2uy; 7uy; 8uy |]).Bytes.ToArray()) [| 0xc4uy; 2uy; 7uy; 8uy |] "echo_value bin"
                Expect.equal (value<string> (c.Call("concat", mp [| "a"; "b"; "c" |]))) "abc" "concat"
                Expect.equal (json (c.Call("create_note", note "first" false))) """{"id":1,"text":"first","completed":false}""" "create_note"
                Expect.equal (json (c.Call("create_note", note "second" true))) """{"id":2,"text":"second","completed":true}""" "ids go up by 1"
                let missing = "VALIDATION_ERROR [\"command\",\"note\",\"completed\"] \"field is required\" \"bool\""
                Expect.equal (errorText (c.Call("create_note", mp (map [ "text", box "x" ])))) missing "a missing field"
                Expect.stringStarts (json (c.Call("read_notes"))) """[{"id":1,""" "read_notes by id"
                Expect.equal (json (c.Call("get_note", mp 2))) """{"id":2,"text":"second","completed":true}""" "get_note"
                Expect.equal (c.Call("get_note", mp 99).Bytes.ToArray()) [| 0xc0uy |] "no note: nil"
                expectErrorStarts "PERMISSION_DENIED" (c.Call("whoami"))
                Expect.equal (value<string | null> (c.Call("maybe_whoami"))) null "maybe_whoami before AUTH"
                Expect.equal (text (c.Call("AUTH", ascii "tinaspassword"))) "OK" "AUTH"
                Expect.equal (value<string> (c.Call("whoami"))) "tina" "whoami"
                Expect.equal (value<string> (c.Call("maybe_whoami"))) "tina" "maybe_whoami"
                Expect.equal [ for _ in 1..3 -> value<int> (c.Call("counter")) ] [ 1; 2; 3 ] "counter"
                Expect.equal (errorText (c.Call("fail", mp "NOT_FOUND", mp "gone"))) "NOT_FOUND \"gone\"" "fail"
                expectErrorStarts "UNEXPECTED_ERROR" (c.Call("crash"))
                Expect.equal (value<int> (c.Call("sleep", mp 10))) 10 "sleep"
                Expect.equal (value<byte[]> (c.Call("blob", mp 300))) (Array.init 300 (fun i -> byte (i % 251))) "blob"
                Expect.equal (value<int> (c.Call("blob_len", mp (Array.zeroCreate<byte> 70000)))) 70000 "blob_len"
                Expect.equal (value<byte[]> (c.Call("echo_bin", mp [| 7uy; 8uy; 9uy |]))) [| 7uy; 8uy; 9uy |] "echo_bin"
                let circle = mp [| box 0; box (map [ "radius", box 1.5 ]) |]
                Expect.equal (value<string> (c.Call("shape_name", circle))) "circle 1.5" "a circle"
                let rect = mp [| box 1; box (map [ "width", box 2.0; "height", box 0.1 ]) |]
                Expect.equal (value<string> (c.Call("shape_name", rect))) "rect 2 0.1" "a rect"
                use other = connect server
                Expect.equal (value<int> (other.Call("counter"))) 1 "counter starts at 1 on each connection"
                expectErrorStarts "PERMISSION_DENIED" (other.Call("AUTH", ascii "wrong"))
                Expect.isTrue (other.IsClosedByServer()) "a failed AUTH closes")
        }
        test "replies the same bytes as the interop app built on Tino.Core alone" {
            expectSameReplies (InteropApp.Create()) (TestApp.create ()) sharedRequests
        }
        test "replies the same bytes as the F# interop server built with tino { }, shapes included" {
            let shapes =
                [ request "shape_name" [ mp [| box 0; box (map [ "radius", box 1.5 ]) |] ]
                  request "shape_name" [ mp [| box 1; box (map [ "width", box 2.0; "height", box 0.1 ]) |] ]
                  request "shape_name" [ mp [| box 7; box (map []) |] ] ]
            expectSameReplies (InteropApp.Create()) (Tino.Samples.InteropServer.InteropApp.create ()) (sharedRequests @ shapes)
        }
        test "StackExchange.Redis authenticates and calls the C# interop server" {
            withApp (InteropApp.Create()) (fun server ->
                use redis = StackExchange.Redis.ConnectionMultiplexer.Connect($"127.0.0.1:{portOf server},password=bobspassword,abortConnect=true")
                let db = redis.GetDatabase()
                let call name args = Tino.Tests.Interop.RealClientTests.execute db name args |> Tino.Tests.Interop.RealClientTests.bytesOf
                Expect.equal (MessagePackSerializer.ConvertToJson(call "create_note" [ note "from SE.Redis" true ])) """{"id":1,"text":"from SE.Redis","completed":true}""" "create_note"
                Expect.equal (MessagePackSerializer.Deserialize<string>(call "whoami" [])) "bob" "whoami after the password in the connection string")
        }
        test "each Create makes a fresh note store" {
            for _ in 1..2 do
                withApp (InteropApp.Create()) (fun server ->
                    use c = connect server
                    Expect.equal (json (c.Call("create_note", note "x" false))) """{"id":1,"text":"x","completed":false}""" "ids start at 1")
        }
    ]

/// The built program of a sample, beside this test assembly's configuration.
let sampleDll (name: string) =
    let binDirectory = DirectoryInfo(AppContext.BaseDirectory)
    let configuration = (nonNull binDirectory.Parent).Name
    let rec root (dir: DirectoryInfo) =
        if File.Exists(Path.Combine(dir.FullName, "Tino.sln")) then dir.FullName else root (nonNull dir.Parent)
    Path.Combine(root binDirectory, "samples", name, "bin", configuration, "net10.0", $"{name}.dll")

/// Starts a sample, waits for its listening line, runs `body` with the port, sends SIGTERM and returns the exit code.
let runSample (name: string) (args: string list) (body: int -> unit) =
    let info = ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    info.ArgumentList.Add(sampleDll name)
    for arg in args do
        info.ArgumentList.Add arg
    use proc = nonNull (Process.Start info)
    try
        let listening = Regex(@"^Tino listening on redis://127\.0\.0\.1:(\d+)$")
        let rec port () =
            match proc.StandardOutput.ReadLine() with
            | null -> failwithf "%s exited before listening: %s" name (proc.StandardError.ReadToEnd())
            | line when listening.IsMatch line -> int (listening.Match line).Groups[1].Value
            | _ -> port ()
        let readPort = Threading.Tasks.Task.Run(port)
        if not (readPort.Wait(TimeSpan.FromSeconds 30.0)) then failwithf "%s printed no listening line" name
        body readPort.Result
        Tino.Tests.Interop.RealClientTests.run "kill" [ "-TERM"; string proc.Id ] (TimeSpan.FromSeconds 5.0) |> ignore
        if not (proc.WaitForExit(TimeSpan.FromSeconds 30.0)) then failwithf "%s did not stop on SIGTERM" name
        proc.ExitCode
    finally
        if not proc.HasExited then proc.Kill true

[<Tests>]
let processes =
    testSequenced <| testList "C# samples as processes" [
        test "the interop server prints its listening line, serves, and exits 0 on SIGTERM" {
            let code =
                runSample "InteropServer.CSharp" [ "--port"; "0" ] (fun port ->
                    use c = new RespConnection(port)
                    Expect.equal (value<int64> (c.Call("add", mp 1, mp 2))) 3L "add"
                    Expect.equal (value<string> (c.Call("shape_name", mp [| box 0; box (map [ "radius", box 2.5 ]) |]))) "circle 2.5" "shape_name")
            Expect.equal code 0 "exit code"
        }
        test "the hosted quick start serves from configuration and exits 0 on SIGTERM" {
            let code =
                runSample "QuickStart.CSharp" [ "--Tino:Port=0" ] (fun port ->
                    use c = new RespConnection(port)
                    Expect.equal (value<int64> (c.Call("add", mp 1, mp 2))) 3L "add"
                    Expect.equal (value<string> (c.Call("greet", mp "tina"))) "hello tina" "a mapped singleton service"
                    Expect.isGreaterThan (value<DateTime> (c.Call("now"))).Year 2000 "a service parameter")
            Expect.equal code 0 "exit code"
        }
    ]
