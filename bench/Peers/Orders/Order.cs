// An order as a backend sends it between services: about twenty fields of the common kinds (strings, integers,
// floating point, a timestamp, a flag), two nested records and a list of lines. Plain C# records with no
// serializer attributes, as a team's contracts assembly holds them: Tino maps them by name (snake_case on the
// wire), MessagePack-CSharp's contractless resolver and System.Text.Json read the same properties.
namespace Tino.Bench.Orders;

/// <summary>An order of about twenty fields; <see cref="Samples.Order"/> makes one of about 1 KiB in MessagePack.</summary>
public sealed record Order(
    long Id,
    string Number,
    DateTime CreatedAt,
    string Status,
    string Currency,
    string Channel,
    Customer Customer,
    Address ShippingAddress,
    Address BillingAddress,
    OrderLine[] Lines,
    double Subtotal,
    double Tax,
    double ShippingCost,
    double Total,
    string[] Tags,
    string Notes,
    bool Gift,
    int Priority,
    string CouponCode,
    PaymentInfo Payment);

/// <summary>Who placed the order.</summary>
public sealed record Customer(long Id, string Name, string Email, string Phone, bool Vip);

/// <summary>A postal address.</summary>
public sealed record Address(string Street, string City, string Postcode, string Country);

/// <summary>One line of an order.</summary>
public sealed record OrderLine(string Sku, string Name, int Quantity, double UnitPrice, double Discount);

/// <summary>How the order is paid: the method and its reference.</summary>
public sealed record PaymentInfo(string Method, string Reference);
