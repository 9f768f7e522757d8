/// The packages as a user gets them: built from clean and packed once per test run into a folder feed that the
/// package and template tests restore from, each into fresh projects with their own global packages folder.
module Tino.Tests.Packaging.PackageFeed

open System
open System.IO
open System.IO.Compression
open System.Xml.Linq
open Expecto
open Tino.Tests.ScaleOut.Processes

/// dotnet without telemetry, first-run text, or build servers left running after the test.
let private quietDotnet =
    [ "DOTNET_CLI_TELEMETRY_OPTOUT", "1"
      "DOTNET_NOLOGO", "1"
      "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "1"
      "MSBUILDDISABLENODEREUSE", "1"
      "DOTNET_CLI_USE_MSBUILD_SERVER", "0"
      "UseSharedCompilation", "false" ]

/// Runs dotnet to its end in `directory`, failing the test with its output when it fails.
let dotnet (environment: (string * string) list) (directory: string) (args: string list) =
    // A bound for a hung process only: a clean build of every package on a busy 2-core machine takes minutes.
    let code, output = runToEnd "dotnet" args directory environment (TimeSpan.FromMinutes 10.0)
    if code <> 0 then failtestf "dotnet %s exited with %d:\n%s" (String.Join(" ", args)) code output
    output

/// The machine's own global packages folder (where third-party packages already are), as NuGet reports it.
let private machinePackages () =
    let output = dotnet quietDotnet (repoRoot.Force()) [ "nuget"; "locals"; "global-packages"; "--list" ]
    let line = output.Split('\n') |> Array.find _.Contains("global-packages:")
    line.Substring(line.IndexOf(':') + 1).Trim()

/// A nuget.config that adds the folder feed to the machine's own sources (it clears nothing), and reads third-party
/// packages the machine already has from its global packages folder.
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

/// Every package the repository makes: its id and its project under src/.
let packageProjects =
    [ for id in [ "Tino.Core"; "Tino.CSharp"; "Tino.FSharp"; "Tino.Cli"; "Tino.Testing"; "Tino.Templates" ] ->
        let project = Directory.GetFiles(Path.Combine(repoRoot.Force(), "src", id), $"{id}.?sproj") |> Array.exactlyOne
        id, Path.GetRelativePath(repoRoot.Force(), project) ]

/// The packed feed: `Folder` holds `feed/` (the packages) and a nuget.config that adds it, so a project made anywhere
/// under `Folder` restores from it; `Environment` is dotnet's, with the global packages folder `Folder/packages`.
type Feed =
    { Folder: string
      Feed: string
      Version: string
      Environment: (string * string) list }

    /// The package file of `id`, `.nupkg` or `.snupkg`.
    member this.Package(id: string, extension: string) = Path.Combine(this.Feed, $"{id}.{this.Version}.{extension}")

/// Packs every package once per run, from a clean build of its own with CI=true, whatever was built in the checkout
/// before (MSBuild does not rebuild a build made without CI=true when CI=true is set later; a build of its own needs
/// no care of that, and does not touch the assemblies of the tests that run meanwhile). The build goes under
/// artifacts/ in the repository, not under the temporary folder: CI builds map only paths inside the repository to
/// /_/, and the files the compiler generates in obj/ must be among them. Both folders are deleted when the run ends.
let packed =
    lazy (
        let folder = Directory.CreateTempSubdirectory("tino-packages-").FullName
        let stamp = $"{DateTime.UtcNow:yyyyMMddHHmmss}"
        let build = Path.Combine(repoRoot.Force(), "artifacts", "package-tests", $"{stamp}-{Environment.ProcessId}")
        AppDomain.CurrentDomain.ProcessExit.Add(fun _ ->
            for directory in [ folder; build ] do
                try Directory.Delete(directory, true) with _ -> ()
            // artifacts/package-tests itself, unless another run still builds there.
            try Directory.Delete(nonNull (Path.GetDirectoryName build)) with _ -> ())
        let feed = Path.Combine(folder, "feed")
        let version = $"0.1.0-packagetest.{stamp}"
        // A solution filter of the package projects alone: one dotnet call packs them all, and builds nothing else.
        let filter = Path.Combine(folder, "packages.slnf")
        let projects = String.Join(", ", [ for _, project in packageProjects -> $"\"{project}\"" ])
        File.WriteAllText(filter, $"""{{ "solution": {{ "path": "{Path.Combine(repoRoot.Force(), "Tino.sln")}", "projects": [ {projects} ] }} }}""")
        let pack = [ "pack"; filter; "-c"; "Release"; "-o"; feed; "--artifacts-path"; build; $"-p:Version={version}" ]
        dotnet (("CI", "true") :: quietDotnet) folder pack |> ignore
        File.WriteAllText(Path.Combine(folder, "nuget.config"), nugetConfig feed (machinePackages ()))
        { Folder = folder
          Feed = feed
          Version = version
          Environment = ("NUGET_PACKAGES", Path.Combine(folder, "packages")) :: quietDotnet })

/// The names of a package's files.
let entries (package: string) =
    use zip = ZipFile.OpenRead package
    [ for entry in zip.Entries -> entry.FullName ]

/// The text of one file of a package.
let readEntry (package: string) (name: string) =
    use zip = ZipFile.OpenRead package
    use reader = new StreamReader((nonNull (zip.GetEntry name)).Open())
    reader.ReadToEnd()

/// A package's nuspec: its single element of a name, every element of a name, and an element's attribute.
let nuspec (package: string) (id: string) =
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
