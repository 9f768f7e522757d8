/// The `dotnet new` templates (Tino.Templates) as a user gets them: installed from the packed feed into a template
/// hive of the test's own, each made into a new project that restores the Tino packages from the feed. The F# one's
/// property tests run and pass; the C# one builds, serves and answers calls.
module Tino.Tests.Packaging.TemplateTests

open System
open System.IO
open System.Text.RegularExpressions
open System.Xml.Linq
open Expecto
open MessagePack
open Tino.Client
open Tino.Tests.Client.ClientTests
open Tino.Tests.ScaleOut.Processes
open Tino.Tests.Packaging.PackageFeed

/// The templates' content, as it is packed (TINO_VERSION becomes the version packed).
let private content = lazy (Path.Combine(repoRoot.Force(), "src", "Tino.Templates", "content"))

let private attribute (name: string) (element: XElement) =
    match element.Attribute(XName.Get name) with
    | null -> ""
    | found -> found.Value

/// The elements of a name in an MSBuild file, wherever they stand.
let private elementsOf (file: string) (name: string) = XDocument.Load(file).Descendants(XName.Get name) |> List.ofSeq

/// The versions the repository pins: Directory.Packages.props's PackageVersion items.
let private pinned () =
    Map [ for version in elementsOf (Path.Combine(repoRoot.Force(), "Directory.Packages.props")) "PackageVersion" ->
            attribute "Include" version, attribute "Version" version ]

/// The project's text of each block of a README: "```language\n<text>\n```".
let private block (language: string) (text: string) = $"```{language}\n{text.TrimEnd()}\n```"

[<Tests>]
let templates =
    testSequencedGroup "packages" <| testList "Packages" [
        testList "templates" [
            test "the templates' projects reference third-party packages at Directory.Packages.props's versions, and Tino's at the version packed" {
                let pinned = pinned ()
                let projects = Directory.GetFiles(content.Force(), "*.?sproj", SearchOption.AllDirectories)
                Expect.hasLength projects 3 "tino-fsharp's server and tests, tino-csharp's server"
                for project in projects do
                    for reference in elementsOf project "PackageReference" do
                        let id = attribute "Include" reference + attribute "Update" reference
                        let expected = if id.StartsWith "Tino." then Some "TINO_VERSION" else pinned.TryFind id
                        Expect.equal (Some(attribute "Version" reference)) expected $"{Path.GetFileName project}: {id}"
            }
            test "Tino.Testing's README shows tino-fsharp's test project as it is" {
                let readme = File.ReadAllText(Path.Combine(repoRoot.Force(), "src", "Tino.Testing", "README.md"))
                let props = Path.Combine(repoRoot.Force(), "Directory.Build.props")
                let version = (elementsOf props "Version" |> List.exactlyOne).Value
                let project = Path.Combine(content.Force(), "tino-fsharp", "tests", "MyService.Tests")
                for file, language in [ "MyService.Tests.fsproj", "xml"; "ApiTests.fs", "fsharp"; "Main.fs", "fsharp" ] do
                    let text = File.ReadAllText(Path.Combine(project, file)).Replace("TINO_VERSION", version)
                    Expect.stringContains readme (block language text) $"the README shows {file} (with Tino at {version})"
            }
            test "install the templates in a hive of their own; tino-fsharp's property tests pass over the wire; tino-csharp builds, serves and answers" {
                let packed = packed.Force()
                let package = packed.Package("Tino.Templates", "nupkg")
                let single, _, nuspecAttribute = nuspec package "Tino.Templates"
                Expect.equal (nuspecAttribute "name" (single "packageType")) "Template" "a template package"
                Expect.equal (single "version").Value packed.Version "its version"
                Expect.stringStarts (readEntry package "README.md") "# Tino.Templates" "its own README"
                let files = entries package
                for template in [ "tino-fsharp"; "tino-csharp" ] do
                    Expect.contains files $"content/{template}/.template.config/template.json" $"{template}"
                for file in files |> List.filter _.StartsWith("content/") do
                    Expect.isFalse ((readEntry package file).Contains "TINO_VERSION") $"{file}: the version is filled in"

                let folder = packed.Folder
                let environment = packed.Environment
                let hive = Path.Combine(folder, "hive")
                dotnet environment folder [ "new"; "install"; package; "--debug:custom-hive"; hive ] |> ignore
                let create template name =
                    let output = Path.Combine(folder, name)
                    dotnet environment folder [ "new"; template; "--name"; name; "--output"; output; "--debug:custom-hive"; hive ] |> ignore
                    output

                // F#: the property tests, run as the project's README says.
                let shop = create "tino-fsharp" "Shop"
                let tests = Path.Combine(shop, "tests", "Shop.Tests")
                let output = dotnet environment shop [ "run"; "-c"; "Release"; "--project"; tests ]
                let plain = Regex.Replace(output, @"\x1b\[[0-9;?]*[A-Za-z]", "")
                let summary = Regex.Match(plain, @"(\d+) passed, (\d+) ignored, (\d+) failed, (\d+) errored")
                Expect.isTrue summary.Success $"Expecto's summary:\n{plain}"
                let properties = Regex.Matches(File.ReadAllText(Path.Combine(tests, "ApiTests.fs")), "testProperty ").Count
                let counts = [ for group in 1..4 -> int summary.Groups[group].Value ]
                Expect.equal counts [ properties; 0; 0; 0 ] $"every property passed:\n{plain}"
                let assets = File.ReadAllText(Path.Combine(tests, "obj", "project.assets.json"))
                for id in [ "Tino.Testing"; "Tino.FSharp"; "Tino.Core" ] do
                    Expect.stringContains assets $"\"{id}/{packed.Version}\"" $"{id} of the version packed, from the feed"

                // C#: built, run on a free port, called.
                let notes = create "tino-csharp" "Acme.Notes"
                dotnet environment notes [ "build"; "-c"; "Release" ] |> ignore
                use server = new Child("dotnet", [ Path.Combine(notes, "bin", "Release", "net10.0", "Acme.Notes.dll"); "--Tino:Port=0" ], notes, environment)
                let port = int (server.WaitForLine(Regex @"Tino listening on 127\.0\.0\.1:(\d+)", TimeSpan.FromMinutes 1.0)).Groups[1].Value
                let client = await (TinoClient.ConnectAsync $"redis://127.0.0.1:{port}")
                try
                    Expect.equal (await (call<int64> client "add" [ arg 1; arg 2 ])) 3L "add"
                    let json command (argument: 'T) =
                        let reply = await (client.CallRawAsync(command, [| ReadOnlyMemory(MessagePackSerializer.Serialize argument) |]).AsTask())
                        MessagePackSerializer.ConvertToJson reply
                    Expect.equal (json "create_note" "buy milk") """{"id":1,"text":"buy milk"}""" "create_note, a mapped service"
                    Expect.equal (json "get_note" 1) """{"id":1,"text":"buy milk"}""" "get_note"
                finally
                    client.DisposeAsync().AsTask().Wait()
            }
        ]
    ]
