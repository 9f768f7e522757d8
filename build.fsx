// The project's build script: plain F# and `dotnet` calls (FAKE's packages do not restore here).
// Usage: dotnet fsi build.fsx <build|test|bench|pack|run> [extra arguments passed through]
//   bench [--quick] [--rounds N] [--out path]   the load driver (bench/driver.fsx): every comparison, docs/benchmarks.md
//   bench micro [BenchmarkDotNet arguments]     the micro benchmarks (bench/Tino.Benchmarks) alone
open System
open System.Diagnostics

let root = __SOURCE_DIRECTORY__

let dotnet (args: string list) =
    let info = ProcessStartInfo("dotnet", WorkingDirectory = root, UseShellExecute = false)
    for arg in args do
        info.ArgumentList.Add arg
    printfn "> dotnet %s" (String.Join(" ", args))
    use proc = Process.Start info
    proc.WaitForExit()
    if proc.ExitCode <> 0 then
        eprintfn "dotnet %s failed with exit code %d" args.Head proc.ExitCode
        exit proc.ExitCode

let targets : Map<string, string list -> unit> =
    Map [
        "build", fun _ -> dotnet [ "build"; "Tino.sln"; "-c"; "Release" ]
        "test", fun extra -> dotnet ([ "run"; "-c"; "Release"; "--project"; "tests/Tino.Tests"; "--" ] @ extra)
        "bench", fun extra ->
            match extra with
            | "micro" :: rest -> dotnet ([ "run"; "-c"; "Release"; "--project"; "bench/Tino.Benchmarks"; "--" ] @ rest)
            | _ -> dotnet ([ "fsi"; "bench/driver.fsx"; "--" ] @ extra)
        "pack", fun _ -> dotnet [ "pack"; "Tino.sln"; "-c"; "Release"; "-o"; "artifacts/packages" ]
        "run", fun extra -> dotnet ([ "run"; "-c"; "Release"; "--project"; "samples/Notes"; "--" ] @ extra)
    ]

match fsi.CommandLineArgs |> Array.toList |> List.tail with
| target :: extra when targets.ContainsKey target -> targets[target] extra
| _ ->
    eprintfn "usage: dotnet fsi build.fsx <%s> [arguments]" (String.Join("|", targets.Keys))
    exit 2
