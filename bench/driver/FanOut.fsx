// Server events fanned out: one publishing client and 50 subscribers, with bench/FanOut, through three Tino instances
// on a Redis backplane, through one Tino instance, and through redis-server's own PUBLISH. Loaded by bench/driver.fsx
// after Structured.
module FanOut

open System
open Processes
open Model
open Measurements
open Comparisons

let project = "bench/FanOut"

let private fanOutDll = "bench/FanOut/bin/Release/net10.0/FanOut.dll"

let private subscribers = 50

/// The servers' ports: the backplane's redis-server, the three instances on it, the instance alone, the peer.
type Ports = { Backplane: int; Instances: int list; Single: int; Redis: int }

let ports (firstPort: int) =
    let next (port: int) = freePort (port + 1)
    let backplane = freePort firstPort
    let a = next backplane
    let b = next a
    let c = next b
    let single = next c
    { Backplane = backplane; Instances = [ a; b; c ]; Single = single; Redis = next single }

let private backplaneArgs (ports: Ports) = [ "--backplane"; $"redis://127.0.0.1:{ports.Backplane}" ]

let serversShown (ports: Ports) =
    [ $"redis-server --port {ports.Backplane} --save \"\" --appendonly no   # the backplane" ]
    @ [ for port in ports.Instances -> $"{interopShown port} {String.Join(' ', backplaneArgs ports)}" ]
    @ [ interopShown ports.Single; List.head (redisShown ports.Redis) ]

let private events (settings: Settings) = if settings.Quick then 20_000 else 200_000

/// FanOut's command line: `target` publishing to the first of `subscribe`, the subscribers spread over all of them.
let private fanOutArgs (settings: Settings) (target: string) (subscribe: int list) (payload: int) =
    [ fanOutDll; "--target"; target; "--publish"; $"127.0.0.1:{List.head subscribe}"
      "--subscribe"; String.Join(",", subscribe |> List.map (sprintf "127.0.0.1:%d"))
      "--subscribers"; string subscribers; "--events"; string (events settings); "--payload"; string payload ]

let private description (settings: Settings) =
    [ $"One publishing client (a TinoClient, 16 publishes in flight) sends {number (float (events settings))} events of the row's"
      $"size, as a MessagePack bin, to {subscribers} subscribers of one channel: through three Tino instances on a Redis"
      "backplane (the publisher calls `notify` on the first; the subscribers are spread over the three, 17, 17 and 16,"
      "so two thirds of the deliveries cross Redis), through one Tino instance, and through redis-server (the publisher"
      $"sends `PUBLISH`). The figure is events per second reaching every subscriber: {number (float (events settings))} over the"
      "time from the first publish until the last subscriber had them all; any event that never arrives fails the"
      "row. The subscribers are raw sockets that count frames by their lengths (nothing decoded), the same for every"
      "column. Bounded by: the machine's cores, shared by the publisher, the 50 subscribers and every server of the"
      "column; receiving a million frames a second costs the subscribers about as much as sending them costs the"
      "server, so the figure is a ratio of servers under the same load, not either server's ceiling." ]

/// One payload size: FanOut against each setup, alternated in rounds.
let private figure (settings: Settings) (ports: Ports) (payload: int) =
    let title = $"Events to {subscribers} subscribers, {payload} bytes"
    let runs =
        [ fanOutArgs settings "tino" ports.Instances payload
          fanOutArgs settings "tino" [ ports.Single ] payload
          fanOutArgs settings "redis" [ ports.Redis ] payload ]
    let timeout = TimeSpan.FromMinutes 3.0
    { Row = number (float payload)
      Load = $"{subscribers} subscribers"
      Commands = runs |> List.map (fun args -> "dotnet " + String.Join(" ", args))
      Outcome = attempt title (fun () -> Payloads.rounds settings title (runs |> List.map (fun args () -> lastLineRate "events/s" args timeout))) }

/// Starts the backplane, the three instances on it, the single instance and redis-server, and measures each size.
let measure (settings: Settings) (ports: Ports) : PayloadGroup list =
    let started = ResizeArray<Server>()
    try
        started.Add(startRedis ports.Backplane)
        for port in ports.Instances do
            started.Add(start $"Tino (InteropServer.CSharp, backplane, {port})" "dotnet" ([ interopDll; "--port"; string port ] @ backplaneArgs ports) port |> readyOrStopped respReady)
        started.Add(startInterop ports.Single)
        started.Add(startRedis ports.Redis)
        [ { Title = $"Server events: one publisher, {subscribers} subscribers"
            Description = description settings
            RowHeading = "bytes"
            Tino = "Tino, 3 instances + Redis backplane"
            Others = [ "Tino, 1 instance"; "redis-server PUBLISH" ]
            Remark = None
            Unit = "events/s"
            Figures = [ for payload in (if settings.Quick then [ 100 ] else [ 100; 1024 ]) -> figure settings ports payload ] } ]
    finally
        for server in started do
            stop server
