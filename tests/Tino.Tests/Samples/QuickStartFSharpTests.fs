/// samples/QuickStart.FSharp as a process, as a new user runs it: `Tino.run` with no logging set up.
module Tino.Tests.Samples.QuickStartFSharpTests

open System
open System.Text.RegularExpressions
open Expecto
open Tino.Tests.Hosting.TestServer
open Tino.Tests.ScaleOut.Processes

[<Tests>]
let tests =
    testList "samples/QuickStart.FSharp" [
        test "a handler that throws replies an error id, and the server's standard error has the exception under it" {
            use child = new Child("dotnet", [ sampleDll "QuickStart.FSharp"; "--port"; "0" ])
            let port = int (child.WaitForLine(Regex @"^Tino listening on redis://127\.0\.0\.1:(\d+)$", TimeSpan.FromSeconds 30.0)).Groups[1].Value
            use connection = new RespConnection(port)
            let error = errorText (connection.Call("divide", mp 1, mp 0))
            let id = Regex.Match(error, @"^UNEXPECTED_ERROR ""unexpected error \(error id ([0-9a-f]{12})\)""$")
            Expect.isTrue id.Success $"an error id in the reply: {error}"
            child.WaitForLine(Regex $"Command divide failed with unexpected error {id.Groups[1].Value}", TimeSpan.FromSeconds 10.0) |> ignore
            child.WaitForLine(Regex "System.DivideByZeroException", TimeSpan.FromSeconds 10.0) |> ignore
        }
    ]
