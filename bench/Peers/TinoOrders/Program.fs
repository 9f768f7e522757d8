// The Tino server of the structured payload benchmark: the order of bench/Peers/Orders as a C# record and as an F#
// record with a union, one and a hundred at a time. Each command returns what it was given, so a call costs the
// server a full decode and encode of the shape, as the gRPC and HTTP peers' echo does.
// Run: dotnet bench/Peers/TinoOrders/bin/Release/net10.0/TinoOrders.dll --port 7607
module Tino.Bench.TinoOrders

open Microsoft.Extensions.Logging
open Tino.FSharp
open Tino.Bench.Orders

type private FSharpOrder = Tino.Bench.Orders.FSharp.Order

let private app =
    tino {
        command "echo_order" (fun (order: Order) -> order)
        command "echo_orders" (fun (orders: Order[]) -> orders)
        command "echo_order_fs" (fun (order: FSharpOrder) -> order)
        command "echo_orders_fs" (fun (orders: FSharpOrder list) -> orders)
    }

let private argument (argv: string[]) name fallback =
    match Array.tryFindIndex ((=) name) argv with
    | Some i when i + 1 < argv.Length -> argv[i + 1]
    | _ -> fallback

[<EntryPoint>]
let main argv =
    use logging =
        LoggerFactory.Create(fun builder ->
            builder
                .AddConsole(fun console -> console.LogToStandardErrorThreshold <- LogLevel.Trace)
                .SetMinimumLevel(LogLevel.Warning)
            |> ignore)
    app |> Tino.runWith logging (argument argv "--host" "127.0.0.1") (int (argument argv "--port" "7607"))
    0
