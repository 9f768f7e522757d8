module MyService.Program

open Tino.FSharp

[<EntryPoint>]
let main _ =
    // Prints "Tino listening on redis://127.0.0.1:7534"; Ctrl+C or SIGTERM finishes the calls under way and stops.
    Tino.run "127.0.0.1" 7534 Api.app
    0
