// The F# interop server (docs/interop-server.md).
// Run: dotnet run -c Release --project samples/InteropServer.FSharp -- --host 127.0.0.1 --port 7534 [--backplane redis://host:6379]
module Tino.Samples.InteropServer.Program

open Microsoft.Extensions.Logging
open Tino.FSharp
open Tino.Redis

let private argument (argv: string[]) name fallback =
    match Array.tryFindIndex ((=) name) argv with
    | Some i when i + 1 < argv.Length -> argv[i + 1]
    | _ -> fallback

[<EntryPoint>]
let main argv =
    let host = argument argv "--host" "127.0.0.1"
    let port = int (argument argv "--port" "7534")
    // Logs go to stderr: stdout carries only the listening line.
    use logging =
        LoggerFactory.Create(fun builder ->
            builder
                .AddConsole(fun console -> console.LogToStandardErrorThreshold <- LogLevel.Trace)
                .SetMinimumLevel(LogLevel.Warning)
            |> ignore)
    let app =
        match argument argv "--backplane" "" with
        | "" -> InteropApp.create ()
        | redis -> InteropApp.create () |> Tino.withEventBackplane (RedisBackplane(redis, "tino-interop:", logging.CreateLogger "Tino.Redis"))
    app |> Tino.runWith logging host port
    0
