/// Tino.Generators run by Roslyn's generator driver on small programs: what it reports when a project publishes as
/// Native AOT, and that the code it writes compiles for the member shapes C# allows.
module Tino.Tests.CSharp.GeneratorDiagnosticsTests

open System
open System.IO
open Expecto
open Microsoft.CodeAnalysis
open Microsoft.CodeAnalysis.CSharp
open Microsoft.CodeAnalysis.Diagnostics

/// The project's build properties as the compiler hands them to analyzers: those set true here.
type private BuildProperties(properties: string list) =
    inherit AnalyzerConfigOptionsProvider()
    let global' =
        { new AnalyzerConfigOptions() with
            member _.TryGetValue(key, value) =
                if properties |> List.exists (fun property -> key = $"build_property.{property}") then
                    value <- "true"
                    true
                else
                    value <- null
                    false }
    override _.GlobalOptions = global'
    override _.GetOptions(_: SyntaxTree) = global'
    override _.GetOptions(_: AdditionalText) = global'

/// The assemblies a server's code compiles against: the runtime's, Tino's and MessagePack's.
let private references =
    lazy (
        let platform = (string (AppContext.GetData "TRUSTED_PLATFORM_ASSEMBLIES")).Split(Path.PathSeparator)
        let tino =
            [ typeof<Tino.TinoApp>; typeof<Tino.TinoAppBuilder>; typeof<MessagePack.MessagePackSerializer>; typeof<MessagePack.KeyAttribute>
              typeof<Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute> ]
        [ for path in Seq.append platform (tino |> Seq.map _.Assembly.Location) |> Seq.distinct -> MetadataReference.CreateFromFile path :> MetadataReference ])

/// `source` as one file of a library with nullable reference types on.
let private compile (parse: CSharpParseOptions) (source: string) =
    CSharpCompilation.Create(
        "Server",
        [ CSharpSyntaxTree.ParseText(source, parse, path = "/src/Server.cs") ],
        references.Force(),
        CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions = NullableContextOptions.Enable))

/// Runs the generator on `source`; the diagnostics it reported, the generated sources, and the errors and warnings
/// of the program compiled with them.
let private generate (publishAot: bool) (source: string) =
    let parse = CSharpParseOptions(LanguageVersion.Preview).WithFeatures([ Collections.Generic.KeyValuePair("InterceptorsNamespaces", "Tino.Generated") ])
    let compilation = compile parse source
    let driver =
        CSharpGeneratorDriver.Create([ Tino.Generators.CommandGenerator().AsSourceGenerator() ], parseOptions = parse, optionsProvider = BuildProperties(if publishAot then [ "PublishAot" ] else []))
    let ran, output, reported = driver.RunGeneratorsAndUpdateCompilation(compilation)
    let generated = [ for tree in ran.GetRunResult().GeneratedTrees -> tree.ToString() ]
    let problems = [ for d in output.GetDiagnostics() do if d.Severity >= DiagnosticSeverity.Warning then string d ]
    [ for d in reported -> d.Id, d.GetMessage(Globalization.CultureInfo.InvariantCulture) ], generated, problems

/// The SDK's trimming and AOT analyzer (ILLink.RoslynAnalyzer), from the package that IsAotCompatible restores.
let private trimAnalyzers =
    lazy (
        let packages = Path.Combine(Environment.GetFolderPath Environment.SpecialFolder.UserProfile, ".nuget", "packages", "microsoft.net.illink.tasks")
        let dll =
            Directory.GetFiles(packages, "ILLink.RoslynAnalyzer.dll", SearchOption.AllDirectories)
            |> Array.filter (fun path -> path.Contains $"{Path.DirectorySeparatorChar}cs{Path.DirectorySeparatorChar}")
            |> Array.sortDescending
            |> Array.head
        Microsoft.CodeAnalysis.Diagnostics.AnalyzerFileReference(dll, { new IAnalyzerAssemblyLoader with
                                                                          member _.AddDependencyLocation _ = ()
                                                                          member _.LoadFromPath path = Reflection.Assembly.LoadFrom path })
            .GetAnalyzers(LanguageNames.CSharp))

/// The trimming and AOT warnings on `source` with the SDK's analyzer and Tino's suppressor: (id, the line where the
/// warned call ends, suppressed). A call in a chain starts where the chain starts, so its end tells it apart.
let private trimWarnings (source: string) =
    let compilation = compile (CSharpParseOptions(LanguageVersion.Preview)) source
    let analyzers = trimAnalyzers.Force().Add(Tino.Generators.InterceptedCallSuppressor())
    let options =
        AnalyzerOptions(Collections.Immutable.ImmutableArray<AdditionalText>.Empty, BuildProperties [ "EnableTrimAnalyzer"; "EnableAotAnalyzer"; "EnableSingleFileAnalyzer" ])
    let withAnalyzers = compilation.WithAnalyzers(analyzers, CompilationWithAnalyzersOptions(options, null, true, false, true))
    [ for d in withAnalyzers.GetAllDiagnosticsAsync().Result do
          if d.Id = "IL2026" || d.Id = "IL3050" then
              d.Id, d.Location.GetLineSpan().EndLinePosition.Line + 1, d.IsSuppressed ]

let private unsupportedTypes = """
using System.Collections.Generic;
using MessagePack;
using Tino;

[MessagePackObject] public sealed class Legacy { [Key(0)] public int Id { get; set; } }
public sealed record Fine(int Id, string Name);

public static class App
{
    public static TinoApp Create() => new TinoAppBuilder()
        .Command("legacy", (Legacy value) => value.Id)
        .Command("pair", ((int, string) pair) => pair.Item1)
        .Command("set", (HashSet<int> set) => set.Count)
        .Command("fine", (Fine value) => value)
        .Build();
}
"""

let private memberShapes = """
using System;
using System.Collections.Generic;
using System.Runtime.Serialization;
using MessagePack;
using Tino;

public enum Level : short { Low = -1, High = 1 }

public sealed class Odd
{
    public int @class { get; set; }
    [Obsolete("old")] public string? Legacy { get; set; }
    public required string Must { get; init; }
    public int Later { get; init; }
    [IgnoreDataMember] public object? Skipped { get; set; }
    public int this[int i] => i;
    public static int Shared { get; set; }
}

public readonly struct Reading(double value, DateTimeOffset at)
{
    public double Value { get; } = value;
    public DateTimeOffset At { get; } = at;
}

public sealed record Defaults(decimal Price = 2.5m, char Mark = '\'', Level Level = Level.Low, string Text = "a \"quoted\"\n line", string? None = null, long Big = long.MinValue, float Ratio = 0.1f);

public static class Outer
{
    public sealed record Nested(int[] Values, Dictionary<string, List<Level?>> ByName, IReadOnlyDictionary<int, Reading> Readings);
}

public static class App
{
    public static TinoApp Create() => new TinoAppBuilder()
        .Command("odd", (Odd value) => value)
        .Command("defaults", (Defaults value) => value)
        .Command("nested", (Outer.Nested value) => value)
        .Build();
}
"""

let private reflectedAndGenerated = """
using System;
using Tino;

public static class App
{
    public static TinoApp Create()
    {
        Delegate inVariable = (int a) => a;
        return new TinoAppBuilder()
            .Command("add", (int a, int b) => (long)a + b)
            .Command("kept", inVariable)
            .Build();
    }
}
"""

let private perCallShapes = """
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Tino;

public enum Region { North, South }
public interface IClock { DateTimeOffset Now { get; } }
public interface IStore
{
    Task<int> CountAsync(string? prefix);
    IAsyncEnumerable<string> ListAsync(int n);
    void Forget(string key);
}

public static class App
{
    public static TinoApp Create(IServiceProvider services) => new TinoAppBuilder()
        .UseServices(services)
        .Command("now", ([FromServices] IClock clock) => clock.Now)
        .Command("by_enum", ([FromKeyedServices(Region.South)] IClock clock, int @class) => @class)
        .Command("by_type", ([FromKeyedServices(typeof(string))] IClock? clock) => clock is null)
        .Command("by_number", (string? text, [FromKeyedServices(42)] IClock clock) => text)
        .Command("keyless", ([FromKeyedServices] IClock clock) => 1)
        .Command("list", ([FromServices] IStore store, int n) => store.ListAsync(n))
        .Command("wide", (int a, int b, int c, int d, int e, int f, int g, [FromServices] IClock clock, long h) => a + h)
        .MapService<IStore>()
        .MapService(() => Store())
        .Build();

    private static IStore Store() => throw new NotImplementedException();
}
"""

[<Tests>]
let generatorDiagnostics =
    testList "Generator diagnostics" [
        test "the trimming and AOT analyzers' warnings are silenced on calls the generator binds, and kept on the others" {
            let warnings = trimWarnings reflectedAndGenerated
            let onLine line = warnings |> List.filter (fun (_, at, _) -> at = line)
            Expect.equal (onLine 11 |> List.map (fun (id, _, suppressed) -> id, suppressed) |> List.sort) [ "IL2026", true; "IL3050", true ] "the lambda's Command is bound at compile time"
            Expect.equal (onLine 12 |> List.map (fun (id, _, suppressed) -> id, suppressed) |> List.sort) [ "IL2026", false; "IL3050", false ] "the delegate in a variable warns"
        }
        test "handlers with service parameters and per-call contracts compile bound by generated code, their warnings silenced; a keyless [FromKeyedServices] is left to reflection" {
            let reported, generated, problems = generate true perCallShapes
            Expect.isEmpty reported "no diagnostics"
            Expect.isEmpty problems "the program compiles with the generated code, without warnings"
            let commands = generated |> List.find (fun code -> code.Contains "TinoCommandBinders")
            for expected in [ "GetRequiredKeyedService<global::IClock>(scope.ServiceProvider, (global::Region)(1))"
                              "GetKeyedService<global::IClock>(scope.ServiceProvider, typeof(string))"
                              "GetRequiredKeyedService<global::IClock>(scope.ServiceProvider, 42)"
                              "global::Tino.PerCall.Stream(open"
                              "services.RequireContract(first, typeof(global::IStore))"
                              "new global::Tino.Owned<global::IStore>(factory())"
                              "(typed, p0, p1, p2, p3, p4, p5, p6, p8)"
                              "state.Item1(state.Item2, state.Item3, state.Item4, state.Item5, state.Item6, state.Item7, state.Item8, global::"
                              "(scope.ServiceProvider), state.Item9)" ] do
                Expect.stringContains commands expected expected
            let interceptors (kind: string) = commands.Split($"public static global::Tino.TinoAppBuilder {kind}").Length - 1
            Expect.equal (interceptors "Command", interceptors "Service") (6, 2) "every Command call but the keyless one, and both mappings, are intercepted"
            let suppressed = trimWarnings perCallShapes |> List.groupBy (fun (_, line, _) -> line) |> List.map (fun (line, found) -> line, found |> List.forall (fun (_, _, s) -> s))
            Expect.equal (suppressed |> List.filter (fun (_, all) -> not all) |> List.map fst) [ 25 ] "warnings kept on the keyless command only"
            Expect.equal suppressed.Length 9 "the commands and the two mappings warn, before suppression"
        }
        test "publishing AOT, TINO001 names each type only reflection can format, and no other" {
            let reported, _, problems = generate true unsupportedTypes
            Expect.isEmpty problems "the program compiles with the generated code"
            let named = reported |> List.filter (fst >> (=) "TINO001") |> List.map snd
            Expect.equal named.Length 3 $"three types reported: {named}"
            for typeName in [ "Legacy"; "(int, string)"; "HashSet<int>" ] do
                Expect.exists named (fun message -> message.Contains typeName) $"{typeName} is reported"
            Expect.isFalse (named |> List.exists (fun message -> message.Contains "Fine")) "a record is not"
        }
        test "without PublishAot the generator reports nothing and still writes the formatters it can" {
            let reported, generated, problems = generate false unsupportedTypes
            Expect.isEmpty reported "no diagnostics"
            Expect.isEmpty problems "the program compiles with the generated code"
            Expect.exists generated (fun code -> code.Contains "Register<global::Fine>") "the record's formatter is registered"
        }
        test "the generated formatters compile for keywords, obsolete, required, init-only, indexed, static and ignored members, structs, nesting and default values" {
            let reported, generated, problems = generate true memberShapes
            Expect.isEmpty reported "every type has a formatter"
            Expect.isEmpty problems "the program compiles without errors or warnings"
            let formatters = generated |> List.find (fun code -> code.Contains "TinoFormatters")
            for expected in [ "Register<global::Odd>"; "Register<global::Reading>"; "Register<global::Defaults>"; "Register<global::Outer.Nested>"
                              "Register<global::Level?>"; "target.@class"; "UnsafeAccessorKind.Constructor" ] do
                Expect.stringContains formatters expected expected
            for left in [ "Skipped"; "this["; "Shared" ] do
                Expect.isFalse (formatters.Contains $"target.{left}") $"{left} is not a member"
        }
    ]
