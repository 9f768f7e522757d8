/// `tino generate`: a Python and a TypeScript client module written from each interop server's TINO.SCHEMA, run against
/// that server with Debian's python3 (redis-py and msgpack) and with node (ioredis and @msgpack/msgpack from npm, after
/// tsc --strict): every interop command, the stream whole and left early, an event, auth and errors; `--check`
/// against the schema it was made from and another.
module Tino.Tests.Cli.GenerateTests

open System
open System.IO
open Expecto
open Tino.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Client.Hosts
open Tino.Tests.Cli.CliTests

let withFolder (body: string -> unit) =
    let folder = Directory.CreateTempSubdirectory("tino-generate-").FullName
    try body folder finally Directory.Delete(folder, true)

/// artifacts/npm with ioredis, @msgpack/msgpack, TypeScript and Node's types, installed from npm when missing.
let nodeModules =
    lazy (
        let folder = Path.Combine(Tino.Tests.ScaleOut.Processes.repoRoot.Force(), "artifacts", "npm")
        let packages = [ "ioredis", "ioredis@5"; "@msgpack/msgpack", "@msgpack/msgpack@3"; "typescript", "typescript@5"; "@types/node", "@types/node@20" ]
        if packages |> List.exists (fun (name, _) -> not (File.Exists(Path.Combine(folder, "node_modules", name, "package.json")))) then
            Directory.CreateDirectory folder |> ignore
            if not (File.Exists(Path.Combine(folder, "package.json"))) then
                File.WriteAllText(Path.Combine(folder, "package.json"), "{ \"private\": true }\n")
            let args = [ "install"; "--no-audit"; "--no-fund" ] @ List.map snd packages
            let code, output = Tino.Tests.ScaleOut.Processes.runToEnd "npm" args folder [] (TimeSpan.FromMinutes 5.0)
            if code <> 0 then failwithf "npm install failed:\n%s" output
        folder)

let private tsconfig =
    """{ "compilerOptions": { "strict": true, "target": "ES2022", "module": "commonjs", "esModuleInterop": true,
  "outDir": "out", "types": ["node"] }, "include": ["*.ts"] }"""

let private withInterop (create: unit -> Tino.TinoApp) (body: TinoServer -> unit) =
    let server = (startServer (create ())).GetAwaiter().GetResult()
    try body server finally server.DisposeAsync().AsTask().Wait()

/// Generates the TypeScript client of `server` into a folder of artifacts/npm (where its packages are found), compiles
/// it with `script` (from the tests' Cli folder) under tsc --strict, and runs the script with node, which must print
/// `expected` last.
let runTypeScript (server: TinoServer) (script: string) (expected: string) =
    let modules = nodeModules.Force()
    let folder = Path.Combine(modules, $"generated-{Guid.NewGuid():N}")
    Directory.CreateDirectory folder |> ignore
    try
        let code, out, error = tino [ "generate"; "typescript"; uriOf server; "--out"; folder ]
        Expect.equal (code, error) (0, "") "generated"
        Expect.stringContains out "tinoClient.ts" "the default module"
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Cli", script), Path.Combine(folder, script))
        File.WriteAllText(Path.Combine(folder, "tsconfig.json"), tsconfig)
        let tsc = Path.Combine(modules, "node_modules", "typescript", "bin", "tsc")
        let code, output = Tino.Tests.ScaleOut.Processes.runToEnd "node" [ tsc; "-p"; "." ] folder [] (TimeSpan.FromMinutes 2.0)
        Expect.equal (code, output) (0, "") "tsc --strict: no errors"
        let compiled = Path.Combine(folder, "out", script.Replace(".ts", ".js"))
        let code, output = Tino.Tests.ScaleOut.Processes.runToEnd "node" [ compiled; string (portOf server) ] folder [] (TimeSpan.FromMinutes 2.0)
        Expect.equal (code, output.Trim()) (0, expected) "node"
    finally
        Directory.Delete(folder, true)

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
        testList "typescript, from each interop server" [
            for name, create in interopServers ->
                test $"typescript: the module made from {name} compiles with tsc --strict and calls every interop command with node" {
                    withInterop create (fun server -> runTypeScript server "generated_client.ts" "all commands passed")
                }
        ]
        test "samples/generated-clients: notes.py and notes.ts run against samples/Notes through their generated clients" {
            Tino.Tests.Interop.ClientMatrix.pythonModules.Force()
            let modules = nodeModules.Force()
            let samples = Path.Combine(Tino.Tests.ScaleOut.Processes.repoRoot.Force(), "samples", "generated-clients")
            let expected =
                [ "first page: 1 notes"; "streamed: 1 notes"; "deleted: true"; "read after delete: null"; "without AUTH: PERMISSION_DENIED" ]
            withFolder (fun database ->
                let connection = "Data Source=" + Path.Combine(database, "notes.db")
                let code =
                    Tino.Tests.CSharp.InteropServerTests.runSample "Notes" [ "--serve"; "--port"; "0"; "--db"; connection ] (fun port ->
                        let uri = $"redis://127.0.0.1:{port}"
                        withFolder (fun folder ->
                            Expect.equal (tino [ "generate"; "python"; uri; "--module"; "notes_client"; "--out"; folder ] |> fun (code, _, _) -> code) 0 "generated"
                            File.Copy(Path.Combine(samples, "notes.py"), Path.Combine(folder, "notes.py"))
                            let code, out, error = Tino.Tests.Interop.RealClientTests.run "/usr/bin/python3" [ Path.Combine(folder, "notes.py"); string port ] (TimeSpan.FromMinutes 1.0)
                            Expect.equal (code, error) (0, "") "notes.py ran"
                            Expect.stringContains out "created: Note(id=1, text='buy milk', completed=False)" "python: a record back"
                            for line in expected do
                                Expect.stringContains (out.Replace("True", "true").Replace("None", "null")) line line)
                        let folder = Path.Combine(modules, $"notes-{Guid.NewGuid():N}")
                        Directory.CreateDirectory folder |> ignore
                        try
                            Expect.equal (tino [ "generate"; "typescript"; uri; "--module"; "notesClient"; "--out"; folder ] |> fun (code, _, _) -> code) 0 "generated"
                            File.Copy(Path.Combine(samples, "notes.ts"), Path.Combine(folder, "notes.ts"))
                            File.WriteAllText(Path.Combine(folder, "tsconfig.json"), tsconfig)
                            let tsc = Path.Combine(modules, "node_modules", "typescript", "bin", "tsc")
                            let code, output = Tino.Tests.ScaleOut.Processes.runToEnd "node" [ tsc; "-p"; "." ] folder [] (TimeSpan.FromMinutes 2.0)
                            Expect.equal (code, output) (0, "") "tsc --strict"
                            let code, out = Tino.Tests.ScaleOut.Processes.runToEnd "node" [ Path.Combine(folder, "out", "notes.js"); string port ] folder [] (TimeSpan.FromMinutes 1.0)
                            Expect.equal code 0 $"notes.js ran: {out}"
                            Expect.stringContains out "created: {\"id\":2,\"text\":\"buy milk\",\"completed\":false}" "typescript: a record back"
                            for line in expected do
                                Expect.stringContains out line line
                        finally
                            Directory.Delete(folder, true))
                Expect.equal code 0 "the Notes sample stopped on SIGTERM")
        }
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
