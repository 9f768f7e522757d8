/// `tino generate python`: a client module written from each interop server's TINO.SCHEMA, run with Debian's python3
/// (redis-py and msgpack) against that server: every interop command, the stream whole and left early, an event,
/// auth and errors; `--check` against the schema it was made from and another.
module Tino.Tests.Cli.GenerateTests

open System
open System.IO
open Expecto
open Tino.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Client.Hosts
open Tino.Tests.Cli.CliTests

let private withFolder (body: string -> unit) =
    let folder = Directory.CreateTempSubdirectory("tino-generate-").FullName
    try body folder finally Directory.Delete(folder, true)

let private withInterop (create: unit -> Tino.TinoApp) (body: TinoServer -> unit) =
    let server = (startServer (create ())).GetAwaiter().GetResult()
    try body server finally server.DisposeAsync().AsTask().Wait()

[<Tests>]
let tests =
    testSequenced <| testList "tino generate" [
        testList "python, from each interop server" [
            for name, create in interopServers ->
                test $"python: the module made from {name} calls every interop command with python3" {
                    Tino.Tests.Interop.ClientMatrix.pythonModules.Force()
                    withInterop create (fun server ->
                        withFolder (fun folder ->
                            let code, out, error = tino [ "generate"; "python"; uriOf server; "--out"; folder ]
                            Expect.equal (code, error) (0, "") "generated"
                            Expect.stringContains out "18 commands, 3 types" "says what it wrote"
                            let script = Path.Combine(AppContext.BaseDirectory, "Cli", "generated_client.py")
                            let code, out, error = Tino.Tests.Interop.RealClientTests.run "/usr/bin/python3" [ script; folder; string (portOf server) ] (TimeSpan.FromMinutes 2.0)
                            Expect.equal (code, out.Trim()) (0, "all commands passed") $"python3: {error}"))
                }
        ]
        test "python: --check passes for the schema the module was made from and fails for another" {
            withInterop (snd interopServers.Head) (fun server ->
                withFolder (fun folder ->
                    Expect.equal (tino [ "generate"; "python"; uriOf server; "--out"; folder; "--module"; "api" ] |> fun (code, _, _) -> code) 0 "generated"
                    let check () = tino [ "generate"; "python"; uriOf server; "--out"; folder; "--module"; "api"; "--check" ]
                    Expect.equal (check () |> fun (code, _, _) -> code) 0 "the same schema"
                    let path = Path.Combine(folder, "api.py")
                    File.WriteAllText(path, Text.RegularExpressions.Regex.Replace(File.ReadAllText path, "SCHEMA_SHA256 = \"[0-9a-f]+\"", "SCHEMA_SHA256 = \"" + String('0', 64) + "\""))
                    let code, _, error = check ()
                    Expect.equal code 1 "another schema"
                    Expect.stringContains error "generate it again" "says what to do"))
        }
        test "python: a saved schema serves without a server; no server and no file is refused" {
            withInterop (snd interopServers.Head) (fun server ->
                withFolder (fun folder ->
                    let reply = Tino.Client.TinoClient.ConnectAsync(uriOf server).Result.ExecuteAsync("TINO.SCHEMA", [||]).AsTask().Result
                    let saved = Path.Combine(folder, "schema.msgpack")
                    File.WriteAllBytes(saved, reply.Bytes.ToArray())
                    let code, _, error = tino [ "generate"; "python"; "--schema"; saved; "--out"; folder ]
                    Expect.equal (code, error) (0, "") "from the file"
                    Expect.isTrue (File.Exists(Path.Combine(folder, "tino_client.py"))) "written"
                    let code, _, error = tino [ "generate"; "python"; "--out"; folder ]
                    Expect.equal code 2 "nothing to read"
                    Expect.stringContains error "--schema" "says what to give"))
        }
    ]
