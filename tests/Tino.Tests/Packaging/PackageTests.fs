/// The NuGet packages as a user gets them: packed into a folder feed (PackageFeed), checked, then restored from that
/// folder into a fresh console project that is built and run, and the tool installed from it.
module Tino.Tests.Packaging.PackageTests

open System
open System.IO
open System.IO.Compression
open System.Reflection.Metadata
open System.Runtime.InteropServices
open Expecto
open Tino.Tests.ScaleOut.Processes
open Tino.Tests.Packaging.PackageFeed

/// The consumer: a Generic Host serving one command through Tino.CSharp, called through Tino.Core's TinoClient.
let private program =
    """using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tino;
using Tino.Client;
using Tino.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration["Tino:Port"] = "0";
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddTino(tino => tino.Command("add", (int a, int b) => (long)a + b));
using var host = builder.Build();
await host.StartAsync();
var address = host.Services.GetRequiredService<TinoHostedService>().Address!;
await using (var client = await TinoClient.ConnectAsync(address))
{
    Console.WriteLine($"add(1, 2) = {await client.CallAsync<long>("add", 1, 2)} from {address}");
}
await host.StopAsync();
"""

/// The source paths a portable PDB inside a symbols package records.
let private documentsOf (symbols: string) (pdb: string) =
    use zip = ZipFile.OpenRead symbols
    use stream = new MemoryStream()
    (nonNull (zip.GetEntry pdb)).Open().CopyTo stream
    stream.Position <- 0L
    use provider = MetadataReaderProvider.FromPortablePdbStream stream
    let reader = provider.GetMetadataReader()
    [ for handle in reader.Documents -> reader.GetString((reader.GetDocument handle).Name) ]

/// Each library and the tool: the first line of its README, the files it must carry, and the Tino packages it
/// depends on (of the same version).
let private expected =
    [ "Tino.Core", "# Tino.Core", [ "lib/net10.0/Tino.Core.dll"; "lib/net10.0/Tino.Core.xml" ], []
      "Tino.CSharp", "# Tino.CSharp", [ "lib/net10.0/Tino.CSharp.dll"; "lib/net10.0/Tino.CSharp.xml" ], [ "Tino.Core" ]
      "Tino.FSharp", "# Tino.FSharp", [ "lib/net10.0/Tino.FSharp.dll"; "lib/net10.0/Tino.FSharp.xml" ], [ "Tino.Core" ]
      "Tino.Testing", "# Tino.Testing", [ "lib/net10.0/Tino.Testing.dll"; "lib/net10.0/Tino.Testing.xml" ], [ "Tino.FSharp" ]
      "Tino.Cli", "# tino", [ "tools/net10.0/any/Tino.Cli.dll"; "tools/net10.0/any/DotnetToolSettings.xml" ], [] ]

[<Tests>]
let packages =
    testSequencedGroup "packages" <| testList "Packages" [
        test "pack, check every package, restore Tino.CSharp from the folder into a new console app, build and run it, install the tool" {
            let packed = PackageFeed.packed.Force()
            let version = packed.Version
            let environment = packed.Environment
            let repository = "https://github.com/tino-dotnet/tino-dotnet"
            for id, title, files, dependencies in expected do
                let package = packed.Package(id, "nupkg")
                let symbols = packed.Package(id, "snupkg")
                Expect.isTrue (File.Exists package) $"{id}: the package"
                Expect.isTrue (File.Exists symbols) $"{id}: the symbols package"
                let contents = entries package
                for file in "README.md" :: files do
                    Expect.contains contents file $"{id} carries {file}"
                Expect.stringStarts (readEntry package "README.md") title $"{id}: its own README"
                let single, elements, attribute = nuspec package id
                Expect.equal (single "version").Value version $"{id}: version"
                Expect.equal ((single "license").Value, attribute "type" (single "license")) ("MIT", "expression") $"{id}: license"
                Expect.equal (single "readme").Value "README.md" $"{id}: readme"
                Expect.equal (single "projectUrl").Value repository $"{id}: project URL"
                Expect.equal (attribute "type" (single "repository"), attribute "url" (single "repository")) ("git", repository) $"{id}: repository"
                Expect.isNotEmpty (single "description").Value $"{id}: description"
                let pdb = files.Head.Replace(".dll", ".pdb")
                Expect.contains (entries symbols) pdb $"{id}: the symbols package has the PDB"
                if id = "Tino.Cli" then
                    Expect.equal (attribute "name" (single "packageType")) "DotnetTool" "the tool package"
                else
                    let tinoDependencies = [ for d in elements "dependency" do if (attribute "id" d).StartsWith "Tino." then attribute "id" d, attribute "version" d ]
                    Expect.equal tinoDependencies [ for dependency in dependencies -> dependency, version ] $"{id}: depends on Tino packages of the same version"
                // Packed with CI=true, the build is a ContinuousIntegrationBuild: deterministic, source paths mapped to /_/.
                let documents = documentsOf symbols pdb
                Expect.isNonEmpty documents $"{id}: the PDB lists its sources"
                let local = documents |> List.filter (fun path -> not (path.StartsWith "/_/")) |> List.truncate 3
                Expect.isEmpty local $"{id}: source paths in the PDB are mapped to /_/"

            // A fresh console app, in the folder whose nuget.config adds the feed to the machine's own sources.
            let folder = packed.Folder
            let app = Path.Combine(folder, "Consumer")
            dotnet environment folder [ "new"; "console"; "--name"; "Consumer"; "--output"; app; "--no-restore" ] |> ignore
            File.WriteAllText(Path.Combine(app, "Program.cs"), program)
            dotnet environment app [ "add"; "package"; "Tino.CSharp"; "--version"; version ] |> ignore
            dotnet environment app [ "build"; "-c"; "Release" ] |> ignore
            let output = dotnet environment app [ Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll") ]
            Expect.stringContains output "add(1, 2) = 3 from redis://127.0.0.1:" "the app served and called itself"
            let assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"))
            Expect.stringContains assets $"\"Tino.Core/{version}\"" "Tino.Core came with Tino.CSharp, from the folder"

            // The tool, from the same folder.
            let tools = Path.Combine(folder, "tools")
            dotnet environment folder [ "tool"; "install"; "Tino.Cli"; "--version"; version; "--tool-path"; tools ] |> ignore
            let runtime = DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory())
            let dotnetRoot = (nonNull (nonNull (nonNull runtime.Parent).Parent).Parent).FullName
            let code, help = runToEnd (Path.Combine(tools, "tino")) [ "--help" ] folder (("DOTNET_ROOT", dotnetRoot) :: environment) (TimeSpan.FromMinutes 1.0)
            Expect.equal code 0 $"tino --help: {help}"
            for subcommand in [ "call"; "describe"; "bench" ] do
                Expect.stringContains help subcommand $"tino --help lists {subcommand}"
        }
    ]
