/// The quick starts run as processes, as a new user runs them: samples/QuickStart (the README's first server, shown
/// there as it is) until SIGTERM; samples/QuickStart.FSharp (`Tino.run` with no logging set up) also on a port another
/// process holds.
module Tino.Tests.Samples.QuickStartTests

open System
open System.Net
open System.Net.Sockets
open System.Text.RegularExpressions
open Expecto
open Tino.Tests.Hosting.TestServer
open Tino.Tests.ScaleOut.Processes
open Tino.Tests.CSharp.InteropServerTests
open Tino.Tests.Interop.RealClientTests
open Tino.Tests.Interop.ClientInteropTests

[<Tests>]
let quickStart =
    testSequenced <| testList "QuickStart.FSharp sample" [
        test "on a port in use, Tino.run prints why on stderr and exits 1, without running its start-up hook" {
            let busy = new TcpListener(IPAddress.Loopback, 0)
            busy.Start()
            try
                let port = (busy.LocalEndpoint :?> IPEndPoint).Port
                let code, out, err = run "dotnet" [ sampleDll "QuickStart.FSharp"; "--port"; string port ] (TimeSpan.FromMinutes 1.0)
                Expect.equal code 1 $"a clean exit with 1, not a crash (134): {err}"
                Expect.equal
                    (err.Trim())
                    $"Tino cannot start: 127.0.0.1:{port} is already in use (another process listens on it); pick another port or stop that process."
                    "only the reason on stderr: no stack trace, and not the hook's \"starting\""
                Expect.isFalse (out.Contains "listening") "never said it listens"
            finally
                busy.Stop()
        }
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

[<Tests>]
let coreQuickStart =
    testSequenced <| testList "QuickStart sample (Tino.Core alone)" [
        test "serves its commands until SIGTERM, then exits 0" {
            let code =
                runSample "QuickStart" [ "--port"; "0" ] (fun port ->
                    use c = new RespConnection(port)
                    Expect.equal (value<int64> (c.Call("add", mp 1, mp 2))) 3L "add"
                    Expect.equal (errorText (c.Call("whoami"))) notAuthenticated "whoami needs AUTH first"
                    Expect.equal (text (c.Call("AUTH", ascii "tinaspassword"))) "OK" "AUTH"
                    Expect.equal (value<string> (c.Call("whoami"))) "tina" "whoami"
                    Expect.equal [ for _ in 1..2 -> value<int> (c.Call("counter")) ] [ 1; 2 ] "counter"
                    Expect.equal (value<int> (c.Call("sleep", mp 5))) 5 "sleep")
            Expect.equal code 0 "exit code"
        }
        test "the README shows it as it is" {
            let path = "samples/QuickStart/Program.cs"
            let source = IO.File.ReadAllText(IO.Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "..", path))
            Expect.equal (readmeBlock path) source path
        }
    ]
