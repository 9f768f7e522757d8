/// The C# interop server published with Native AOT: the native binary passes the interop suite that the JIT
/// servers pass, and describes its commands byte for byte as the JIT server does.
module Tino.Tests.CSharp.NativeAotTests

open System
open System.IO
open Expecto
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.ScaleOut.Processes

/// Publishes a sample as Native AOT into artifacts/aot/<output>, away from the bin and obj folders whose assemblies
/// this test process has loaded; the path of the native binary.
let private publishNative (sample: string) (output: string) =
    let root = repoRoot.Force()
    let artifacts = Path.Combine(root, "artifacts", "aot")
    let folder = Path.Combine(artifacts, output)
    let args =
        [ "publish"; Path.Combine(root, "samples", sample); "-c"; "Release"; "-r"; "linux-x64"
          // Warnings are errors, but for MessagePack 2.5's own two (IL2104, IL3053, kept as warnings by the samples); none other may show.
          "-p:PublishAot=true"; "-p:UseArtifactsOutput=true"; $"-p:ArtifactsPath={artifacts}"; "-o"; folder ]
    let code, printed = runToEnd "dotnet" args root [] (TimeSpan.FromMinutes 15.0)
    if code <> 0 then failwithf "dotnet publish %s -p:PublishAot=true exited %d:\n%s" sample code printed
    let warnings =
        printed.Split('\n')
        |> Array.filter (fun line -> line.Contains "warning IL" || line.Contains "warning TINO")
        |> Array.filter (fun line -> not (line.Contains "Assembly 'MessagePack' produced"))
        |> Array.distinct
    if warnings.Length > 0 then failwithf "publishing %s warned beyond MessagePack's own warnings:\n%s" sample (String.Join("\n", warnings))
    Path.Combine(folder, sample)

/// A project in artifacts/tino001 that references Tino.CSharp as the samples do, with `program` as its one file; it
/// builds into artifacts/tino001/out, away from the bin folders this test process has loaded.
let private projectWith (program: string) =
    let root = repoRoot.Force()
    let folder = Path.Combine(root, "artifacts", "tino001")
    Directory.CreateDirectory folder |> ignore
    let src = Path.Combine(root, "src")
    File.WriteAllText(Path.Combine(folder, "Tino001.csproj"), $"""<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="{src}/Tino.Generators/InRepository.props" />
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><TreatWarningsAsErrors>false</TreatWarningsAsErrors></PropertyGroup>
  <ItemGroup><ProjectReference Include="{src}/Tino.CSharp/Tino.CSharp.csproj" /></ItemGroup>
</Project>""")
    File.WriteAllText(Path.Combine(folder, "Program.cs"), program)
    folder

let private nativeServer = lazy (publishNative "InteropServer.CSharp" "publish")

/// Runs `body` with the port of a fresh native interop server.
let private withNativeServer (body: int -> unit) =
    let child, port = startListening (nativeServer.Force()) [ "--port"; "0" ]
    use _ = child
    try
        body port
    with error ->
        raise (Exception($"{error.Message}\nThe native server printed:\n{child.Output}", error))

/// What TINO.SCHEMA and COMMAND DOCS reply on a server's port.
let private descriptions (port: int) =
    use c = new RespConnection(port)
    [ for command in [ [ "TINO.SCHEMA" ]; [ "COMMAND"; "DOCS" ] ] ->
          exactly (c.Call(command.Head, command.Tail |> List.map ascii |> Array.ofList)) ]

[<Tests>]
let nativeInterop = Tino.Tests.Interop.InteropSuite.testsOn "C#, Native AOT" withNativeServer []

[<Tests>]
let nativeMetadata =
    testSequenced <| testList "Native AOT" [
        test "the C# client sample runs as Native AOT: a server of a mapped contract, untyped calls, a generated proxy, a located error" {
            let binary = publishNative "Client.CSharp" "client"
            let code, printed = runToEnd binary [] (nonNull (Path.GetDirectoryName binary)) [] (TimeSpan.FromMinutes 1.0)
            Expect.equal code 0 $"it exits 0:\n{printed}"
            Expect.stringContains printed "3 7 0.5 tina" "the calls' results"
            Expect.stringContains printed "VALIDATION_ERROR command.a" "the refused argument, located"
        }
        test "the Generic Host quick start runs as Native AOT: configuration, logging, a [FromServices] parameter and MapService<T>() per call" {
            let binary = publishNative "QuickStart.CSharp" "quickstart"
            let child, port = startListening binary [ "--Tino:Port=0" ]
            use _ = child
            use c = new RespConnection(port)
            Expect.equal (value<int64> (c.Call("ADD", mp 1, mp 2))) 3L "a command"
            let now = value<DateTime> (c.Call("NOW", [||]))
            Expect.isLessThan (abs (now - DateTime.UtcNow).TotalMinutes) 5.0 "the container's TimeProvider, resolved per call"
            Expect.equal (value<string> (c.Call("GREET", mp "tina"))) "hello tina" "MapService<IGreeter>(), resolved from a scope per call"
            Expect.equal (value<int> (c.Call("VISITS", [||]))) 1 "the singleton counted the greeting"
            child.WaitForLine(Text.RegularExpressions.Regex "Greeted tina", TimeSpan.FromSeconds 10.0) |> ignore
        }
        test "a real build with PublishAot reports TINO001 at the call: the package makes the property visible to the generator" {
            let folder =
                projectWith """using Tino;
[MessagePack.MessagePackObject] public sealed class Legacy { [MessagePack.Key(0)] public int Id { get; set; } }
public static class Program
{
    public static void Main() => TinoApp.CreateBuilder().Command("legacy", (Legacy value) => value.Id).Build();
}
"""
            let output = Path.Combine(folder, "out")
            let args = [ "build"; folder; "-c"; "Release"; "-p:PublishAot=true"; "-p:UseArtifactsOutput=true"; $"-p:ArtifactsPath={output}" ]
            let code, printed = runToEnd "dotnet" args folder [] (TimeSpan.FromMinutes 5.0)
            Expect.equal code 0 $"the build succeeds:\n{printed}"
            Expect.stringContains printed "Program.cs(5,58): warning TINO001: Tino cannot write a formatter for global::Legacy" "reported where the command is added"
        }
        test "TINO.SCHEMA and COMMAND DOCS are byte for byte what the JIT C# interop server replies" {
            let mutable jit = []
            withApp (Tino.Samples.InteropServer.CSharp.InteropApp.Create()) (fun server -> jit <- descriptions (portOf server))
            let mutable native = []
            withNativeServer (fun port -> native <- descriptions port)
            Expect.equal native jit "the same description"
        }
    ]
