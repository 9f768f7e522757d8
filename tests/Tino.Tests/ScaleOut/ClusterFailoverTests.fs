/// A cluster client over three interop server processes on a Redis backplane, one of them killed with SIGKILL while
/// a typed proxy calls, two streams read and a subscription listens: each goes on over the instances left.
module Tino.Tests.ScaleOut.ClusterFailoverTests

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino.Client
open Tino.FSharp
open Tino.Tests.Interop.ClientInteropTests
open Tino.Tests.ScaleOut.Processes

/// The interop server's commands this test calls, as an F# client contract.
type InteropApi =
    { add: int -> int -> Task<int64>
      range: int -> IAsyncEnumerable<int>
      notify: string -> string -> Task<int64> }

/// The next item of `items`, or None at its end, waiting at most 20 s.
let private next (items: IAsyncEnumerator<'T>) =
    let moved = items.MoveNextAsync().AsTask()
    if not (moved.Wait(TimeSpan.FromSeconds 20.0)) then failwith "no item within 20 s"
    if moved.Result then Some items.Current else None

/// Reads `items` until it fails, giving how many it read and the error; fails if it ends or reads `bound` items first.
let private readUntilFailure (items: IAsyncEnumerator<int>) (bound: int) =
    let mutable read = 0
    let mutable failure = None
    while failure.IsNone && read < bound do
        try
            match next items with
            | Some _ -> read <- read + 1
            | None -> failwith "the stream ended instead of failing"
        with :? AggregateException as error ->
            failure <- Some error.InnerException
    read, failure

[<Tests>]
let tests =
    testSequenced <| testList "A cluster client when an instance is killed" [
        test "its proxy's calls, its streams and its subscription go on over the instances left" {
            withRedisServer (fun redisPort ->
                let backplane = [ "--port"; "0"; "--backplane"; $"redis://127.0.0.1:{redisPort}" ]
                let instances =
                    [ for sample in [ "InteropServer.FSharp"; "InteropServer.CSharp"; "InteropServer.FSharp" ] ->
                          startInteropServer sample backplane ]
                try
                    let options = TinoClusterOptions(HealthCheckInterval = TimeSpan.FromMilliseconds 100.0, HealthCheckTimeout = TimeSpan.FromMilliseconds 300.0)
                    let uris = [ for _, port in instances -> $"redis://127.0.0.1:{port}" ]
                    let cluster = (Client.connectClusterWith options uris).GetAwaiter().GetResult()
                    use _ = { new IDisposable with member _.Dispose() = cluster.DisposeAsync().AsTask().Wait() }
                    let api = Client.proxy<InteropApi> cluster
                    // A fresh cluster picks its endpoints in turn from the first, one pick per call, stream or
                    // subscription: the subscription and `doomed` land on the first instance, `survivor` on the second.
                    let events = (Client.subscribe<string> cluster "news").GetAsyncEnumerator()
                    let firstEvent = events.MoveNextAsync().AsTask()
                    let survivor = (api.range 1_000_000).GetAsyncEnumerator()
                    Expect.equal ((api.add 1 2).Result) 3L "the third pick, on the third instance"
                    let doomed = (api.range 1_000_000).GetAsyncEnumerator()
                    Expect.equal [ for _ in 1..10 -> (next survivor).Value ] [ 0..9 ] "the survivor's stream started"
                    Expect.equal [ for _ in 1..10 -> (next doomed).Value ] [ 0..9 ] "the doomed stream started"

                    // Publishes `value` on "news" through the proxy every 50 ms until the subscription yields it; a
                    // publish sent to the killed instance before the cluster took it out fails, and the next goes on.
                    let hears (value: string) (pending: Task<bool>) =
                        use stop = new CancellationTokenSource()
                        let publishing =
                            Task.Run(fun () ->
                                while not stop.IsCancellationRequested do
                                    try
                                        (api.notify "news" value).Wait()
                                    with :? AggregateException as error when (error.InnerException :? TinoConnectionException) -> ()
                                    Thread.Sleep 50)
                        try
                            let rec wait (pending: Task<bool>) =
                                pending.Wait(TimeSpan.FromSeconds 20.0) && pending.Result && (events.Current = value || wait (events.MoveNextAsync().AsTask()))
                            wait pending
                        finally
                            stop.Cancel()
                            publishing.Wait()
                    Expect.isTrue (hears "before" firstEvent) "subscribed on the first instance, hearing the backplane"

                    // Callers keep calling through the kill: each call is answered or fails with TinoConnectionException.
                    use stopCalling = new CancellationTokenSource()
                    let callers =
                        [ for caller in 1..4 ->
                              Task.Run(fun () ->
                                  let mutable answered, lost = 0, 0
                                  while not stopCalling.IsCancellationRequested do
                                      try
                                          Expect.equal ((api.add caller answered).Result) (int64 (caller + answered)) "the sum"
                                          answered <- answered + 1
                                      with :? AggregateException as error when (error.InnerException :? TinoConnectionException) ->
                                          lost <- lost + 1
                                  answered, lost) ]
                    Thread.Sleep 200
                    (fst instances[0]).Kill()
                    waitUntil (TimeSpan.FromSeconds 10.0) (fun () -> $"%A{cluster.EndPoints}") (fun () -> not cluster.EndPoints[0].IsHealthy)
                    Thread.Sleep 200
                    stopCalling.Cancel()
                    let counts = [ for caller in callers -> caller.Result ]
                    Expect.all counts (fun (answered, _) -> answered > 0) $"every caller was answered through the kill: %A{counts}"

                    let read, failure = readUntilFailure doomed 1_000_000
                    Expect.isTrue (failure.Value :? TinoConnectionException) $"the killed instance's stream failed after {read} more items: {failure}"
                    Expect.equal [ for _ in 1..1000 -> (next survivor).Value ] [ 10..1009 ] "the survivor's stream goes on, nothing skipped"
                    Expect.equal [ for i in 1..30 -> (api.add i i).Result ] [ for i in 1..30 -> int64 (2 * i) ] "calls after the kill are all answered"
                    let again = (api.range 3).GetAsyncEnumerator()
                    Expect.equal [ next again; next again; next again; next again ] [ Some 0; Some 1; Some 2; None ] "a new stream, from an instance left"
                    Expect.isTrue (hears "after" (events.MoveNextAsync().AsTask())) "the subscription moved and hears the backplane"
                    survivor.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds 10.0) |> ignore
                finally
                    for child, _ in instances do
                        (child :> IDisposable).Dispose())
        }
    ]
