/// Test hosts for the client tests of both languages: an app on a loopback port with a connected client, and the
/// interop servers of both fronts.
module Tino.Tests.Client.Hosts

open System.Threading.Tasks
open Tino
open Tino.Client
open Tino.Hosting

/// Runs `body` with a test host of `app` whose client connects with `options`, and stops both after it.
let withHost (app: TinoApp) (options: TinoClientOptions) (body: TinoTestHost -> unit) =
    let host = TinoTestHost.StartAsync(app, options).Result
    try body host
    finally host.DisposeAsync().AsTask().Wait()

/// Client options that authenticate as tina on the test and interop apps.
let tina = TinoClientOptions(Password = "tinaspassword")

/// The interop servers (shared/INTEROP.md) of both fronts, each a fresh app.
let interopServers: (string * (unit -> TinoApp)) list =
    [ "the F# interop server", Tino.Samples.InteropServer.InteropApp.create
      "the C# interop server", Tino.Samples.InteropServer.CSharp.InteropApp.Create ]

/// Waits for a task for its effect.
let awaitUnit (task: Task) = task.GetAwaiter().GetResult()

/// Waits for a value task's value.
let awaitValue (task: ValueTask<'T>) = task.AsTask().GetAwaiter().GetResult()
