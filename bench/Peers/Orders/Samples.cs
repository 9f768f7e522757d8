namespace Tino.Bench.Orders;

/// <summary>
/// The sample orders every benchmark sends: the same values each run (nothing random), each order a little different
/// from the next, so that no layer can answer from one cached value.
/// </summary>
public static class Samples
{
    /// <summary>How many orders the list shape holds.</summary>
    public const int ListLength = 100;

    /// <summary>The order numbered <paramref name="index"/>: five lines, about 1 KiB of MessagePack.</summary>
    public static Order Order(int index) => new(
        Id: 1_000_000 + index,
        Number: $"SO-2026-{index:D6}",
        CreatedAt: new DateTime(2026, 12, 3, 9, 30, 0, DateTimeKind.Utc).AddSeconds(index),
        Status: "confirmed",
        Currency: "EUR",
        Channel: "web-shop",
        Customer: new Customer(40_000 + index, "Margarethe Lindqvist-Okafor", $"customer{index}@example.com", "+49 30 1234 5678", Vip: index % 3 == 0),
        ShippingAddress: new Address("Karl-Marx-Allee 93, Hinterhaus 2", "Berlin", "10243", "DE"),
        BillingAddress: new Address("Postfach 12 04 55", "Berlin", "10594", "DE"),
        Lines: [.. Enumerable.Range(0, 5).Select(line => Line(index, line))],
        Subtotal: 249.75 + index,
        Tax: 47.45,
        ShippingCost: 4.95,
        Total: 302.15 + index,
        Tags: ["gift-wrap", "priority-dispatch", "returning-customer"],
        Notes: "Leave the parcel with the neighbour on the ground floor if nobody answers; the bell is broken.",
        Gift: index % 2 == 0,
        Priority: index % 5,
        CouponCode: "WINTER-2026-10",
        Payment: new PaymentInfo("card", $"visa-4242-{index % 10_000:D4}"));

    /// <summary>The list shape: <see cref="ListLength"/> orders, about 100 KiB of MessagePack.</summary>
    public static Order[] Orders() => [.. Enumerable.Range(0, ListLength).Select(Order)];

    static OrderLine Line(int order, int line) => new(
        Sku: $"SKU-{(order * 7 + line) % 9_000 + 1_000}-BLK-M",
        Name: $"Merino wool jumper, charcoal, size M (item {line + 1})",
        Quantity: 1 + line % 3,
        UnitPrice: 49.95 + line,
        Discount: line == 0 ? 5.0 : 0.0);
}
