// The floor for the F# order (Tino.Bench.Orders.FSharp.Order) in StructuredCodecBenchmarks: the same shape as C#
// types that MessagePack-CSharp serializes with its own formatters (DynamicObjectResolver for [MessagePackObject],
// DynamicUnionResolver for [Union]). The keys are the ones Tino gives the F# order on the wire, the payment is
// [tag, {fields}] as Tino writes an F# union, and the lists are arrays: the same wire shape, so the floor does the
// same work (Tino writes doubles that float32 holds exactly as float32; MessagePack-CSharp always as float64).
using MessagePack;
using FSharpOrders = Tino.Bench.Orders.FSharp;

namespace Tino.Benchmarks.AttributedOrders;

/// <summary>The order, with MessagePack-CSharp's attributes.</summary>
[MessagePackObject]
public sealed record Order(
    [property: Key("id")] long Id,
    [property: Key("number")] string Number,
    [property: Key("created_at")] DateTime CreatedAt,
    [property: Key("status")] string Status,
    [property: Key("currency")] string Currency,
    [property: Key("channel")] string Channel,
    [property: Key("customer")] Customer Customer,
    [property: Key("shipping_address")] Address ShippingAddress,
    [property: Key("billing_address")] Address BillingAddress,
    [property: Key("lines")] OrderLine[] Lines,
    [property: Key("subtotal")] double Subtotal,
    [property: Key("tax")] double Tax,
    [property: Key("shipping_cost")] double ShippingCost,
    [property: Key("total")] double Total,
    [property: Key("tags")] string[] Tags,
    [property: Key("notes")] string Notes,
    [property: Key("gift")] bool Gift,
    [property: Key("priority")] int Priority,
    [property: Key("coupon_code")] string CouponCode,
    [property: Key("payment")] Payment Payment)
{
    /// <summary>The same order as the F# one.</summary>
    public static Order From(FSharpOrders.Order order) => new(
        order.Id, order.Number, order.CreatedAt, order.Status, order.Currency, order.Channel,
        new Customer(order.Customer.Id, order.Customer.Name, order.Customer.Email, order.Customer.Phone, order.Customer.Vip),
        Address.From(order.ShippingAddress),
        Address.From(order.BillingAddress),
        [.. order.Lines.Select(line => new OrderLine(line.Sku, line.Name, line.Quantity, line.UnitPrice, line.Discount))],
        order.Subtotal, order.Tax, order.ShippingCost, order.Total,
        [.. order.Tags],
        order.Notes, order.Gift, order.Priority, order.CouponCode,
        Payment.From(order.Payment));

    /// <summary>Back to the F# order, whose structural equality then checks every field.</summary>
    public FSharpOrders.Order ToFSharp() => new(
        Id, Number, CreatedAt, Status, Currency, Channel,
        new FSharpOrders.Customer(Customer.Id, Customer.Name, Customer.Email, Customer.Phone, Customer.Vip),
        ShippingAddress.ToFSharp(),
        BillingAddress.ToFSharp(),
        Microsoft.FSharp.Collections.ListModule.OfSeq(Lines.Select(line => new FSharpOrders.OrderLine(line.Sku, line.Name, line.Quantity, line.UnitPrice, line.Discount))),
        Subtotal, Tax, ShippingCost, Total,
        Microsoft.FSharp.Collections.ListModule.OfArray(Tags),
        Notes, Gift, Priority, CouponCode,
        Payment.ToFSharp());
}

/// <summary>Who placed the order.</summary>
[MessagePackObject]
public sealed record Customer(
    [property: Key("id")] long Id,
    [property: Key("name")] string Name,
    [property: Key("email")] string Email,
    [property: Key("phone")] string Phone,
    [property: Key("vip")] bool Vip);

/// <summary>A postal address.</summary>
[MessagePackObject]
public sealed record Address(
    [property: Key("street")] string Street,
    [property: Key("city")] string City,
    [property: Key("postcode")] string Postcode,
    [property: Key("country")] string Country)
{
    /// <summary>The same address as the F# one.</summary>
    public static Address From(FSharpOrders.Address address) => new(address.Street, address.City, address.Postcode, address.Country);

    /// <summary>Back to the F# address.</summary>
    public FSharpOrders.Address ToFSharp() => new(Street, City, Postcode, Country);
}

/// <summary>One line of an order.</summary>
[MessagePackObject]
public sealed record OrderLine(
    [property: Key("sku")] string Sku,
    [property: Key("name")] string Name,
    [property: Key("quantity")] int Quantity,
    [property: Key("unit_price")] double UnitPrice,
    [property: Key("discount")] double Discount);

/// <summary>How the order is paid: MessagePack-CSharp's union, <c>[tag, value]</c>.</summary>
[Union(0, typeof(CardPayment))]
[Union(1, typeof(InvoicePayment))]
[Union(2, typeof(CashPayment))]
public abstract record Payment
{
    /// <summary>The same payment as the F# one.</summary>
    public static Payment From(FSharpOrders.Payment payment) => payment switch
    {
        FSharpOrders.Payment.Card card => new CardPayment(card.brand, card.last4),
        FSharpOrders.Payment.Invoice invoice => new InvoicePayment(invoice.dueDays, invoice.reference),
        _ => new CashPayment(),
    };

    /// <summary>Back to the F# payment.</summary>
    public abstract FSharpOrders.Payment ToFSharp();
}

/// <summary>Paid by card.</summary>
[MessagePackObject]
public sealed record CardPayment([property: Key("brand")] string Brand, [property: Key("last4")] string Last4) : Payment
{
    /// <inheritdoc/>
    public override FSharpOrders.Payment ToFSharp() => FSharpOrders.Payment.NewCard(Brand, Last4);
}

/// <summary>Paid on invoice.</summary>
[MessagePackObject]
public sealed record InvoicePayment([property: Key("due_days")] int DueDays, [property: Key("reference")] string Reference) : Payment
{
    /// <inheritdoc/>
    public override FSharpOrders.Payment ToFSharp() => FSharpOrders.Payment.NewInvoice(DueDays, Reference);
}

/// <summary>Paid in cash: no fields, an empty map as Tino writes a case without fields.</summary>
[MessagePackObject(keyAsPropertyName: true)]
public sealed record CashPayment : Payment
{
    /// <inheritdoc/>
    public override FSharpOrders.Payment ToFSharp() => FSharpOrders.Payment.Cash;
}
