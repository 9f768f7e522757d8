/// The C# interop server published with Native AOT: the native binary passes the interop suite that the JIT
/// servers pass, and describes its commands byte for byte as the JIT server does.
module Tino.Tests.CSharp.NativeAotTests

open System
open System.IO
open Expecto
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.ScaleOut.Processes

/// Publishes samples/InteropServer.CSharp as Native AOT once per run; the path of the native binary. The build goes
/// to artifacts/aot, away from the bin and obj folders whose assemblies this test process has loaded.
let private nativeServer =
    lazy (
        let root = repoRoot.Force()
        let artifacts = Path.Combine(root, "artifacts", "aot")
        let output = Path.Combine(artifacts, "publish")
        let args =
            [ "publish"; Path.Combine(root, "samples", "InteropServer.CSharp"); "-c"; "Release"; "-r"; "linux-x64"
              // The reflection fallback still warns (IL2xxx, IL3xxx) until the core is trim-clean: warnings stay warnings here.
              "-p:PublishAot=true"; "-p:TreatWarningsAsErrors=false"; "-p:UseArtifactsOutput=true"; $"-p:ArtifactsPath={artifacts}"; "-o"; output ]
        let code, printed = runToEnd "dotnet" args root [] (TimeSpan.FromMinutes 15.0)
        if code <> 0 then failwithf "dotnet publish -p:PublishAot=true exited %d:\n%s" code printed
        Path.Combine(output, "InteropServer.CSharp"))

/// Runs `body` with the port of a fresh native interop server.
let private withNativeServer (body: int -> unit) =
    let child, port = startListening (nativeServer.Force()) [ "--port"; "0" ]
    use _ = child
    try
        body port
    with error ->
        raise (Exception($"{error.Message}\nThe native server printed:\n{child.Output}", error))

/// A reply whole: its kind, every byte of its payload, and its items, to compare byte for byte.
let rec private exactly (reply: Tino.Protocol.RespReply) : string =
    let items = reply.Items |> Seq.map exactly |> String.concat ","
    $"{reply.Kind}:{Convert.ToHexString reply.Bytes.Span}:{reply.Integer}[{items}]"

/// What TINO.SCHEMA and COMMAND DOCS reply on a server's port.
let private descriptions (port: int) =
    use c = new RespConnection(port)
    [ for command in [ [ "TINO.SCHEMA" ]; [ "COMMAND"; "DOCS" ] ] ->
          exactly (c.Call(command.Head, command.Tail |> List.map ascii |> Array.ofList)) ]

[<Tests>]
let nativeInterop = Tino.Tests.Interop.InteropSuite.testsOn "C#, Native AOT" withNativeServer []

[<Tests>]
let nativeMetadata =
    testSequenced <| testList "Native AOT interop server" [
        test "TINO.SCHEMA and COMMAND DOCS are byte for byte what the JIT C# interop server replies" {
            let mutable jit = []
            withApp (Tino.Samples.InteropServer.CSharp.InteropApp.Create()) (fun server -> jit <- descriptions (portOf server))
            let mutable native = []
            withNativeServer (fun port -> native <- descriptions port)
            Expect.equal native jit "the same description"
        }
    ]
