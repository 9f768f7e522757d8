/// The NuGet packages as a user gets them: packed into a folder feed, checked, then restored from that folder
/// into a fresh console project that is built and run, and the tool installed from it.
module Tino.Tests.Packaging.PackageTests

open System
open System.IO
open System.IO.Compression
open System.Reflection.Metadata
open System.Runtime.InteropServices
open System.Xml.Linq
open Expecto
open Tino.Tests.ScaleOut.Processes

/// dotnet without telemetry, first-run text, or build servers left running after the test.
let private dotnetEnvironment (packages: string) =
    [ "DOTNET_CLI_TELEMETRY_OPTOUT", "1"
      "DOTNET_NOLOGO", "1"
      "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "1"
      "MSBUILDDISABLENODEREUSE", "1"
      "DOTNET_CLI_USE_MSBUILD_SERVER", "0"
      "UseSharedCompilation", "false"
      "NUGET_PACKAGES", packages ]

let private dotnet (environment: (string * string) list) (directory: string) (args: string list) =
    let code, output = runToEnd "dotnet" args directory environment (TimeSpan.FromMinutes 3.0)
    if code <> 0 then failtestf "dotnet %s exited with %d:\n%s" (String.Join(" ", args)) code output
    output

/// The configuration this test assembly was built in; the packages are packed from that build.
let private configuration = (nonNull (DirectoryInfo AppContext.BaseDirectory).Parent).Name

/// The machine's own global packages folder (where third-party packages already are), as NuGet reports it.
let private machinePackages () =
    let output = dotnet [ "DOTNET_CLI_TELEMETRY_OPTOUT", "1"; "DOTNET_NOLOGO", "1" ] (repoRoot.Force()) [ "nuget"; "locals"; "global-packages"; "--list" ]
    let line = output.Split('\n') |> Array.find _.Contains("global-packages:")
    line.Substring(line.IndexOf(':') + 1).Trim()

/// A nuget.config that adds the folder feed to the machine's own sources (it clears nothing), keeps restored packages
/// in this test's folder, and reads third-party packages the machine already has from its global packages folder.
let private nugetConfig (feed: string) (machine: string) =
    $"""<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="tino-local" value="{feed}" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="machine" value="{machine}" />
  </fallbackPackageFolders>
</configuration>
"""

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

let private entries (package: string) =
    use zip = ZipFile.OpenRead package
    [ for entry in zip.Entries -> entry.FullName ]

let private readEntry (package: string) (name: string) =
    use zip = ZipFile.OpenRead package
    use reader = new StreamReader((nonNull (zip.GetEntry name)).Open())
    reader.ReadToEnd()

let private nuspec (package: string) (id: string) =
    let document = XDocument.Parse(readEntry package $"{id}.nuspec")
    let elements (name: string) = [ for element in document.Descendants() do if element.Name.LocalName = name then element ]
    let single name =
        match elements name with
        | [ element ] -> element
        | found -> failtestf "%s.nuspec has %d <%s>" id found.Length name
    let attribute (name: string) (element: XElement) =
        match element.Attribute(XName.Get name) with
        | null -> failtestf "<%s> has no %s" element.Name.LocalName name
        | value -> value.Value
    single, elements, attribute

/// The source paths a portable PDB inside a symbols package records.
let private documentsOf (symbols: string) (pdb: string) =
    use zip = ZipFile.OpenRead symbols
    use stream = new MemoryStream()
    (nonNull (zip.GetEntry pdb)).Open().CopyTo stream
    stream.Position <- 0L
    use provider = MetadataReaderProvider.FromPortablePdbStream stream
    let reader = provider.GetMetadataReader()
    [ for handle in reader.Documents -> reader.GetString((reader.GetDocument handle).Name) ]

[<Tests>]
let packages =
    testSequenced <| testList "Packages" [
        test "pack, check every package, restore Tino.CSharp from the folder into a new console app, build and run it, install the tool" {
            let folder = Directory.CreateTempSubdirectory("tino-packages-").FullName
            try
                let feed = Path.Combine(folder, "feed")
                let version = $"0.1.0-packagetest.{DateTime.UtcNow:yyyyMMddHHmmss}"
                let environment = dotnetEnvironment (Path.Combine(folder, "packages"))
                // --no-build: the packages are made from this very build (its configuration), so nothing is rebuilt under the running tests.
                let packEnvironment = environment |> List.filter (fun (name, _) -> name <> "NUGET_PACKAGES")
                dotnet packEnvironment (repoRoot.Force()) [ "pack"; "Tino.sln"; "--no-build"; "-c"; configuration; "-o"; feed; $"-p:Version={version}" ] |> ignore

                let repository = "https://github.com/tino-dotnet/tino-dotnet"
                for id, title, files in
                    [ "Tino.Core", "# Tino.Core", [ "lib/net10.0/Tino.Core.dll"; "lib/net10.0/Tino.Core.xml" ]
                      "Tino.CSharp", "# Tino.CSharp", [ "lib/net10.0/Tino.CSharp.dll"; "lib/net10.0/Tino.CSharp.xml" ]
                      "Tino.FSharp", "# Tino.FSharp", [ "lib/net10.0/Tino.FSharp.dll"; "lib/net10.0/Tino.FSharp.xml" ]
                      "Tino.Cli", "# tino", [ "tools/net10.0/any/Tino.Cli.dll"; "tools/net10.0/any/DotnetToolSettings.xml" ] ] do
                    let package = Path.Combine(feed, $"{id}.{version}.nupkg")
                    let symbols = Path.Combine(feed, $"{id}.{version}.snupkg")
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
                        let expected = if id = "Tino.Core" then [] else [ "Tino.Core", version ]
                        Expect.equal tinoDependencies expected $"{id}: depends on Tino.Core of the same version"
                    // With CI=true the build is a ContinuousIntegrationBuild: deterministic, source paths mapped to /_/.
                    let project = Path.Combine("src", id, if id = "Tino.FSharp" then $"{id}.fsproj" else $"{id}.csproj")
                    let properties = [ "-getProperty:ContinuousIntegrationBuild"; "-getProperty:Deterministic"; "-getProperty:DeterministicSourcePaths" ]
                    let evaluated = dotnet (("CI", "true") :: packEnvironment) (repoRoot.Force()) ([ "msbuild"; project ] @ properties)
                    let json = Text.Json.JsonDocument.Parse(evaluated).RootElement.GetProperty("Properties")
                    for name in [ "ContinuousIntegrationBuild"; "Deterministic"; "DeterministicSourcePaths" ] do
                        Expect.equal (json.GetProperty(name).GetString()) "true" $"{id}: {name} when CI=true"
                    if Environment.GetEnvironmentVariable "CI" = "true" then
                        // This run's own build was made with CI=true (as .ci/run's fresh clone is): its PDBs show it.
                        let documents = documentsOf symbols pdb
                        Expect.isNonEmpty documents $"{id}: the PDB lists its sources"
                        let local = documents |> List.filter (fun path -> not (path.StartsWith "/_/")) |> List.truncate 3
                        Expect.isEmpty local $"{id}: source paths in the PDB are mapped to /_/ (MSBuild does not rebuild a build made before CI=true was set: build from clean)"

                // A fresh console app whose nuget.config adds the folder to the machine's own sources.
                let app = Path.Combine(folder, "Consumer")
                File.WriteAllText(Path.Combine(folder, "nuget.config"), nugetConfig feed (machinePackages ()))
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
            finally
                Directory.Delete(folder, true)
        }
    ]
