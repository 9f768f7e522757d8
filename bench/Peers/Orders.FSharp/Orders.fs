/// The order of bench/Peers/Orders as F# writes it: records, lists, and a union for the payment.
namespace Tino.Bench.Orders.FSharp

open System

/// Who placed the order.
type Customer = { Id: int64; Name: string; Email: string; Phone: string; Vip: bool }

/// A postal address.
type Address = { Street: string; City: string; Postcode: string; Country: string }

/// One line of an order.
type OrderLine = { Sku: string; Name: string; Quantity: int; UnitPrice: float; Discount: float }

/// How the order is paid: the field that makes this shape a union's, not only a record's.
type Payment =
    | Card of brand: string * last4: string
    | Invoice of dueDays: int * reference: string
    | Cash

/// The same twenty fields as the C# order, the payment a union.
type Order =
    { Id: int64
      Number: string
      CreatedAt: DateTime
      Status: string
      Currency: string
      Channel: string
      Customer: Customer
      ShippingAddress: Address
      BillingAddress: Address
      Lines: OrderLine list
      Subtotal: float
      Tax: float
      ShippingCost: float
      Total: float
      Tags: string list
      Notes: string
      Gift: bool
      Priority: int
      CouponCode: string
      Payment: Payment }

/// The same sample values as the C# orders (Tino.Bench.Orders.Samples), the payment cycling through the union's cases.
module Samples =

    /// How many orders the list shape holds.
    [<Literal>]
    let ListLength = 100

    let private line (order: int) (line: int) =
        { Sku = $"SKU-%d{(order * 7 + line) % 9_000 + 1_000}-BLK-M"
          Name = $"Merino wool jumper, charcoal, size M (item %d{line + 1})"
          Quantity = 1 + line % 3
          UnitPrice = 49.95 + float line
          Discount = if line = 0 then 5.0 else 0.0 }

    let private payment (index: int) =
        match index % 3 with
        | 0 -> Card("visa", $"%04d{index % 10_000}")
        | 1 -> Invoice(30, $"INV-2026-%06d{index}")
        | _ -> Cash

    /// The order numbered `index`: five lines, about 1 KiB of MessagePack.
    let order (index: int) =
        { Id = 1_000_000L + int64 index
          Number = $"SO-2026-%06d{index}"
          CreatedAt = DateTime(2026, 12, 3, 9, 30, 0, DateTimeKind.Utc).AddSeconds(float index)
          Status = "confirmed"
          Currency = "EUR"
          Channel = "web-shop"
          Customer =
            { Id = 40_000L + int64 index
              Name = "Margarethe Lindqvist-Okafor"
              Email = $"customer%d{index}@example.com"
              Phone = "+49 30 1234 5678"
              Vip = index % 3 = 0 }
          ShippingAddress = { Street = "Karl-Marx-Allee 93, Hinterhaus 2"; City = "Berlin"; Postcode = "10243"; Country = "DE" }
          BillingAddress = { Street = "Postfach 12 04 55"; City = "Berlin"; Postcode = "10594"; Country = "DE" }
          Lines = List.init 5 (line index)
          Subtotal = 249.75 + float index
          Tax = 47.45
          ShippingCost = 4.95
          Total = 302.15 + float index
          Tags = [ "gift-wrap"; "priority-dispatch"; "returning-customer" ]
          Notes = "Leave the parcel with the neighbour on the ground floor if nobody answers; the bell is broken."
          Gift = index % 2 = 0
          Priority = index % 5
          CouponCode = "WINTER-2026-10"
          Payment = payment index }

    /// The list shape: `ListLength` orders, about 100 KiB of MessagePack.
    let orders () = List.init ListLength order
