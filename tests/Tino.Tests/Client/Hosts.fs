/// Test hosts for the client tests of both languages: an app on a loopback port with a connected client, and the
/// interop servers of both fronts.
module Tino.Tests.Client.Hosts

open System
open System.Collections.Generic
open System.Threading
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

/// The interop servers (docs/interop-server.md) of both fronts, each a fresh app.
let interopServers: (string * (unit -> TinoApp)) list =
    [ "the F# interop server", Tino.Samples.InteropServer.InteropApp.create
      "the C# interop server", Tino.Samples.InteropServer.CSharp.InteropApp.Create ]

/// Waits for a task for its effect.
let awaitUnit (task: Task) = task.GetAwaiter().GetResult()

/// Waits for a value task's value.
let awaitValue (task: ValueTask<'T>) = task.AsTask().GetAwaiter().GetResult()

/// Reads at most `limit` items of `stream`, enumerating with `token`, then disposes the enumerator (leaving a stream
/// early sends CLOSE).
let takeStreamWith (token: CancellationToken) (limit: int) (stream: IAsyncEnumerable<'T>) : 'T list =
    let items = ResizeArray<'T>()
    let enumerator = stream.GetAsyncEnumerator token
    try
        while items.Count < limit && enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult() do
            items.Add enumerator.Current
    finally
        enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult()
    List.ofSeq items

/// Reads at most `limit` items of `stream`, then disposes the enumerator.
let takeStream (limit: int) (stream: IAsyncEnumerable<'T>) = takeStreamWith CancellationToken.None limit stream

/// Reads every item of `stream`.
let readStream (stream: IAsyncEnumerable<'T>) = takeStream Int32.MaxValue stream
