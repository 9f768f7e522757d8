/// The interop suite against every interop server in the repository.
module Tino.Tests.Interop.InteropServerTests

open Expecto

/// Tino.Core's own rendering of the interop surface, without the union command only the fronts can express.
[<Tests>]
let core = InteropSuite.tests "Tino.Core" Tino.Tests.Hosting.TestApp.create [ "shape_name" ]

/// The F# interop server, built with `tino { }`.
[<Tests>]
let fsharp = InteropSuite.tests "F#" Tino.Samples.InteropServer.InteropApp.create []

/// The C# interop server, built with the fluent builder.
[<Tests>]
let csharp = InteropSuite.tests "C#" Tino.Samples.InteropServer.CSharp.InteropApp.Create []

/// The two fronts describe the same commands the same way: names, parameters, types, auth and results.
[<Tests>]
let sameMetadata =
    testSequenced <| testList "Interop servers' metadata" [
        test "TINO.SCHEMA and COMMAND DOCS are byte for byte the same from the F# and the C# interop servers" {
            let describe (app: Tino.TinoApp) =
                let mutable replies = []
                Tino.Tests.Hosting.ServerTests.withApp app (fun server ->
                    use c = Tino.Tests.Hosting.ServerTests.connect server
                    replies <- [ for command in [ "TINO.SCHEMA"; "COMMAND DOCS" ] ->
                                     let parts = command.Split ' '
                                     let reply = c.Call(parts[0], parts[1..] |> Array.map Tino.Tests.Hosting.TestServer.ascii)
                                     string reply ])
                replies
            let fsharp = describe (Tino.Samples.InteropServer.InteropApp.create ())
            let csharp = describe (Tino.Samples.InteropServer.CSharp.InteropApp.Create())
            Expect.equal csharp fsharp "the same description"
        }
    ]
