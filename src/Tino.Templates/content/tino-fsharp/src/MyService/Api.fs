/// The service's commands: plain F# functions, each one a command of `app`.
module MyService.Api

open Tino.FSharp

/// One line of an order; on the wire a map in snake case: {"item": "tea", "price_cents": 250, "quantity": 2}.
type Line = { Item: string; PriceCents: int; Quantity: int }

/// Why an order has no total. An Error replies its case as the code: -EMPTY_ORDER, -BAD_QUANTITY "<item>".
type OrderError =
    | EmptyOrder
    | BadQuantity of item: string

let add (a: int) (b: int) = int64 a + int64 b

let greet (name: string) = $"Hello, {name}!"

/// The order's total in cents.
let total (lines: Line list) : Result<int64, OrderError> =
    if List.isEmpty lines then
        Error EmptyOrder
    else
        match lines |> List.tryFind (fun line -> line.Quantity <= 0) with
        | Some line -> Error(BadQuantity line.Item)
        | None -> Ok(lines |> List.sumBy (fun line -> int64 line.PriceCents * int64 line.Quantity))

let app =
    tino {
        command "add" add
        command "greet" greet
        command "total" total
    }
