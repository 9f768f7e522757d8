// What the report says about the machine and the versions measured. Loaded by bench/driver.fsx after Processes.
module Machine


open System
open System.IO
open System.Text.RegularExpressions
open Processes

let private procLine (file: string) (key: string) =
    try
        File.ReadAllLines file
        |> Array.tryFind (fun line -> line.StartsWith key)
        |> Option.map (fun line -> line.Substring(line.IndexOf(if file.EndsWith "os-release" then '=' else ':') + 1).Trim().Trim('"'))
        |> Option.defaultValue "unknown"
    with _ -> "unknown"

/// The load average (1, 5, 15 minutes): the machine is shared, so the report says how busy it was.
let loadAverage () =
    try (File.ReadAllText "/proc/loadavg").Split(' ') |> Array.take 3 |> String.concat ", " with _ -> "unknown"

let machine () =
    let memTotalKiB = (procLine "/proc/meminfo" "MemTotal").Split(' ').[0]
    let ram =
        match Int64.TryParse memTotalKiB with
        | true, kib -> sprintf "%.1f GiB" (float kib / 1024.0 / 1024.0)
        | _ -> "unknown"
    [ "CPU", procLine "/proc/cpuinfo" "model name"
      "cores", string Environment.ProcessorCount
      "RAM", ram
      "OS", procLine "/etc/os-release" "PRETTY_NAME"
      "kernel", (try (File.ReadAllText "/proc/sys/kernel/osrelease").Trim() with _ -> "unknown") ]

/// The newest installed runtime of a shared framework (what a net10.0 app rolls forward to).
let private runtime (framework: string) =
    let listing = try (run "dotnet" [ "--list-runtimes" ] (TimeSpan.FromSeconds 30.0)).Out with _ -> ""
    listing.Split('\n')
    |> Array.choose (fun line ->
        let found = Regex.Match(line, $@"^{Regex.Escape framework} (\S+)")
        if found.Success then Some found.Groups[1].Value else None)
    |> Array.sortBy (fun version -> try Version(version.Split('-').[0]) with _ -> Version())
    |> Array.tryLast
    |> Option.defaultValue "not installed"

/// Versions pinned in Directory.Packages.props for the packages that are measured.
let private packages () =
    let props = File.ReadAllText(Path.Combine(root, "Directory.Packages.props"))
    Regex.Matches(props, "<PackageVersion Include=\"([^\"]+)\" Version=\"([^\"]+)\"")
    |> Seq.map (fun found -> found.Groups[1].Value, found.Groups[2].Value)
    |> Seq.filter (fun (name, _) ->
        [ "MessagePack"; "StackExchange.Redis"; "BenchmarkDotNet" ] |> List.contains name || name.StartsWith "Grpc")
    |> Seq.map (fun (name, version) -> $"{name} (package)", version)
    |> List.ofSeq

/// The commit measured; the driver's own outputs do not count as uncommitted changes.
let private commit () =
    let head = firstLine "git" [ "rev-parse"; "--short"; "HEAD" ]
    let changes =
        try (run "git" [ "status"; "--porcelain" ] (TimeSpan.FromSeconds 30.0)).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        with _ -> [||]
    let outputs = [ "docs/benchmarks.md"; "docs/benchmarks-pipeline.svg" ]
    let others = changes |> Array.filter (fun line -> not (outputs |> List.exists line.EndsWith))
    let files = if others.Length = 1 then "file" else "files"
    if others.Length = 0 then head else $"{head} with uncommitted changes ({others.Length} {files})"

let versions () =
    [ "Tino (git)", commit ()
      ".NET SDK", firstLine "dotnet" [ "--version" ]
      ".NET runtime", runtime "Microsoft.NETCore.App"
      "ASP.NET Core runtime", runtime "Microsoft.AspNetCore.App"
      "redis-server", firstLine "redis-server" [ "--version" ]
      "redis-benchmark", firstLine "redis-benchmark" [ "--version" ] ]
    @ packages ()
