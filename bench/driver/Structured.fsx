// The structured payloads: an order of about twenty fields (about 1 KiB of MessagePack) and a list of 100, each sent
// and returned, through the Tino client (bench/Peers/TinoOrders), StackExchange.Redis (ECHO of the order's
// MessagePack on redis-server), gRPC and ASP.NET Core JSON, with ClientLoad --shape. Loaded by bench/driver.fsx after
// Payloads.
module Structured


open Processes
open Model
open Measurements
open Comparisons

let ordersProject = "bench/Peers/TinoOrders"

let ordersDll = "bench/Peers/TinoOrders/bin/Release/net10.0/TinoOrders.dll"

let private startOrders (port: int) =
    start "Tino (TinoOrders)" "dotnet" [ ordersDll; "--port"; string port ] port |> readyOrStopped respReady

/// The servers' ports: Tino, redis-server, the gRPC peer, the HTTP peer.
type Ports = { Tino: int; Redis: int; Grpc: int; Http: int }

let ports (firstPort: int) =
    let tino = freePort firstPort
    let redis = freePort (tino + 1)
    let grpc = freePort (redis + 1)
    { Tino = tino; Redis = redis; Grpc = grpc; Http = freePort (grpc + 1) }

let serversShown (ports: Ports) =
    [ $"dotnet {ordersDll} --port {ports.Tino}"; redisShown ports.Redis |> List.head; peerShown grpcPeer ports.Grpc; peerShown httpPeer ports.Http ]

/// A peer started for these rows, or why its column is missing.
let private startPeerOrSkip (peer: Peer) (built: Outcome<unit>) (port: int) : Outcome<Server> =
    match built with
    | Measured() ->
        match attempt $"starting the {peer.Name}" (fun () -> startPeer peer port) with
        | Failed message -> Skipped $"it did not start: {message}"
        | started -> started
    | Skipped reason
    | Failed reason -> Skipped reason

/// One shape: ClientLoad --shape against Tino, then each other target, alternated in rounds.
let private figure (settings: Settings) (title: string) (row: string, shape: string) (targets: (string * int) list) =
    let extra = [ "--shape"; shape ]
    let name = $"{title}, {row}"
    { Row = row
      Load = $"{settings.Clients} callers"
      Commands = targets |> List.map (fun (target, port) -> clientLoadShown settings target port extra)
      Outcome =
        attempt name (fun () -> Payloads.rounds settings name (targets |> List.map (fun (target, port) () -> clientLoad settings target port extra))) }

let private description =
    [ "Each call sends the shape and gets it back, decoded into the caller's types and checked: the Tino client calls"
      "`echo_order` (one order) or `echo_orders` (a list of 100) on bench/Peers/TinoOrders, which decodes and encodes the"
      "whole shape; StackExchange.Redis sends the MessagePack of the same value with ECHO to redis-server (one command"
      "that moves the bytes both ways, where GET and SET would move them one way each), encoding and decoding on the"
      "client only; gRPC echoes the same order in protobuf (the client holds the generated messages, built once);"
      "ASP.NET Core echoes it as JSON (System.Text.Json, source-generated). The order: twenty fields (strings, numbers,"
      "a timestamp, a flag, two nested records, a list of five lines, a list of tags; bench/Peers/Orders). ClientLoad"
      "runs 50 callers on one client (one connection, one multiplexer, one channel, one pooled HttpClient)." ]

/// Starts the Tino orders server, redis-server and the peers, measures both groups, and stops them.
let measure (settings: Settings) (ports: Ports) (grpcBuilt: Outcome<unit>) (httpBuilt: Outcome<unit>) : PayloadGroup list =
    withServer (startOrders ports.Tino) (fun _ ->
        withServer (startRedis ports.Redis) (fun _ ->
            let grpc = startPeerOrSkip grpcPeer grpcBuilt ports.Grpc
            let http = startPeerOrSkip httpPeer httpBuilt ports.Http
            try
                let peer (heading: string) (target: string) (port: int) (started: Outcome<Server>) =
                    match started with
                    | Measured _ -> [ (heading, (target, port)) ], []
                    | Skipped reason
                    | Failed reason -> [], [ $"{heading} is not in this table: {reason}" ]
                let redis = [ ("StackExchange.Redis ECHO", ("redis", ports.Redis)) ], []
                let columns = [ redis; peer "gRPC" "grpc" ports.Grpc grpc; peer "ASP.NET Core JSON" "http" ports.Http http ]
                let others = columns |> List.collect fst
                let remarks = columns |> List.collect snd
                let group title description shapes (others: (string * (string * int)) list) remark =
                    let targets = ("tino", ports.Tino) :: List.map snd others
                    { Title = title
                      Description = description
                      RowHeading = "shape"
                      Tino = "Tino client"
                      Others = List.map fst others
                      Remark = remark
                      Unit = "calls/s"
                      Figures = shapes |> List.map (fun shape -> figure settings title shape targets) }
                [ group "Structured payloads, C# records (ClientLoad --shape)" description [ "one order", "order"; "100 orders", "orders" ] others (if remarks.IsEmpty then None else Some(System.String.Join(" ", remarks)))
                  group
                      "Structured payloads, the F# record with a union (ClientLoad --shape)"
                      [ "The same calls with the F# order (`echo_order_fs`, `echo_orders_fs`): its payment is a union (card,"
                        "invoice or cash), its lines and tags F# lists (bench/Peers/Orders.FSharp)." ]
                      [ "one order", "order-fs"; "100 orders", "orders-fs" ]
                      [ redis |> fst |> List.head ]
                      (Some "StackExchange.Redis's client encodes and decodes it with Tino's F# options (MessagePack-CSharp has no F# union formatter without MessagePack.FSharpExtensions); gRPC and JSON have no F# shape here, their C# figures above stand for them.") ]
            finally
                for started in [ grpc; http ] do
                    match started with
                    | Measured server -> stop server
                    | _ -> ()))
