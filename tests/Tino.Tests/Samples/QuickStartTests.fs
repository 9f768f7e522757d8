/// samples/QuickStart.FSharp run as a process: `Tino.run` on a port another process holds.
module Tino.Tests.Samples.QuickStartTests

open System
open System.Net
open System.Net.Sockets
open Expecto
open Tino.Tests.CSharp.InteropServerTests
open Tino.Tests.Interop.RealClientTests

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
    ]
