using System.Net.Http.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using MessagePack;
using MessagePack.Resolvers;
using Microsoft.FSharp.Collections;
using StackExchange.Redis;
using Tino.Bench.Orders;
using Order = Tino.Bench.Orders.Order;
using Tino.Client;
using Tino.FSharp.Serialization;
using FSharpOrder = Tino.Bench.Orders.FSharp.Order;
using FSharpSamples = Tino.Bench.Orders.FSharp.Samples;
using Protos = Tino.Bench.Peers.Protos;

/// <summary>
/// The structured workloads: an order of about 1 KiB (bench/Peers/Orders), or a list of 100, sent and returned, each
/// reply decoded into the caller's types and checked. The shapes: <c>order</c> and <c>orders</c> (C# records),
/// <c>order-fs</c> and <c>orders-fs</c> (the F# record with a union; tino and redis only).
/// </summary>
sealed partial class Target
{
    public static readonly string[] Shapes = ["order", "orders", "order-fs", "orders-fs"];

    /// <summary>Connects a client of <paramref name="name"/> that echoes the <paramref name="shape"/>.</summary>
    public static async Task<Target> ConnectOrdersAsync(string name, string address, string shape) => (name, shape) switch
    {
        ("tino", "order") => await TinoOrders(address, "echo_order", Samples.Order(0), TinoClientOptions.Default, (Order reply) => Same(reply, 1)),
        ("tino", "orders") => await TinoOrders(address, "echo_orders", Samples.Orders(), TinoClientOptions.Default, (Order[] reply) => Same(reply[^1], reply.Length)),
        ("tino", "order-fs") => await TinoOrders(address, "echo_order_fs", FSharpSamples.order(0), FSharpTypes, (FSharpOrder reply) => Same(reply, 1)),
        ("tino", "orders-fs") => await TinoOrders(address, "echo_orders_fs", FSharpSamples.orders(), FSharpTypes, (FSharpList<FSharpOrder> reply) => Same(reply[^1], reply.Length)),
        ("redis", "order") => await RedisOrders(address, Samples.Order(0), Contractless, (Order reply) => Same(reply, 1)),
        ("redis", "orders") => await RedisOrders(address, Samples.Orders(), Contractless, (Order[] reply) => Same(reply[^1], reply.Length)),
        ("redis", "order-fs") => await RedisOrders(address, FSharpSamples.order(0), FSharpMessagePack.options, (FSharpOrder reply) => Same(reply, 1)),
        ("redis", "orders-fs") => await RedisOrders(address, FSharpSamples.orders(), FSharpMessagePack.options, (FSharpList<FSharpOrder> reply) => Same(reply[^1], reply.Length)),
        ("grpc", "order") => GrpcOrders(address, one: true),
        ("grpc", "orders") => GrpcOrders(address, one: false),
        ("http", "order") => HttpOrders(address, "/orders/one", Samples.Order(0), OrderJsonContext.Default.Order, reply => Same(reply, 1)),
        ("http", "orders") => HttpOrders(address, "/orders/many", Samples.Orders(), OrderJsonContext.Default.OrderArray, reply => Same(reply[^1], reply.Length)),
        _ => throw new ArgumentException($"--shape {shape} works with {(shape.EndsWith("-fs", StringComparison.Ordinal) ? "the tino and redis targets" : "every target")}, not '{name}'"),
    };

    static readonly TinoClientOptions FSharpTypes = TinoClientOptions.Default with { Serializer = FSharpMessagePack.options };

    // What a StackExchange.Redis user writes for records without serializer attributes: MessagePack-CSharp's
    // contractless resolver, its own generated formatters, property names as keys.
    static readonly MessagePackSerializerOptions Contractless = MessagePackSerializerOptions.Standard.WithResolver(ContractlessStandardResolver.Instance);

    // The last order of a list is the sample numbered count - 1: its id tells a whole list came back in order.
    static bool Same(Order order, int count) => order.Id == 1_000_000 + count - 1 && order.Lines.Length == 5 && order.Customer.Id == 40_000 + count - 1;

    static bool Same(FSharpOrder order, int count) => order.Id == 1_000_000 + count - 1 && order.Lines.Length == 5 && order.Customer.Id == 40_000 + count - 1;

    // The Tino client: the typed call, its argument encoded and its reply decoded on every call.
    static async Task<Target> TinoOrders<T>(string address, string command, T value, TinoClientOptions options, Func<T, bool> isEcho)
    {
        var client = await TinoClient.ConnectAsync($"redis://{address}", options);
        async Task Call()
        {
            var reply = await client.CallAsync<T>(command, TinoArg.From(value));
            Require(isEcho(reply), $"{command} did not return the order(s) it was sent");
        }
        await Call();
        return new Target($"Tino client, {command} (typed call), one connection", Call, client);
    }

    // StackExchange.Redis with the MessagePack bytes of the same value, encoded and decoded on every call. ECHO moves
    // them both ways in one command, as the other targets' calls do, where SET and GET would take one command each way.
    static async Task<Target> RedisOrders<T>(string address, T value, MessagePackSerializerOptions options, Func<T, bool> isEcho)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(address);
        var database = multiplexer.GetDatabase();
        async Task Call()
        {
            var reply = (byte[]?)await database.ExecuteAsync("ECHO", [MessagePackSerializer.Serialize(value, options)]);
            Require(reply is not null && isEcho(MessagePackSerializer.Deserialize<T>(reply, options)), "ECHO did not return the order(s) it was sent");
        }
        await Call();
        return new Target($"StackExchange.Redis, ECHO of the MessagePack of {typeof(T).Name} (MessagePack-CSharp), one multiplexer", Call, multiplexer);
    }

    // gRPC: the generated protobuf messages, built once from the same sample values, as a gRPC user holds them.
    static Target GrpcOrders(string address, bool one)
    {
        var channel = GrpcChannel.ForAddress($"http://{address}");
        var client = new Protos.OrderEcho.OrderEchoClient(channel);
        var order = ToProto(Samples.Order(0));
        var list = new Protos.OrderList { Orders = { Samples.Orders().Select(ToProto) } };
        Func<Task> call = one
            ? async () =>
            {
                var reply = await client.EchoOrderAsync(order);
                Require(reply.Id == order.Id && reply.Lines.Count == 5, "EchoOrder did not return the order it was sent");
            }
            : async () =>
            {
                var reply = await client.EchoOrdersAsync(list);
                Require(reply.Orders.Count == Samples.ListLength && reply.Orders[^1].Id == list.Orders[^1].Id, "EchoOrders did not return the orders it was sent");
            };
        return new Target($"gRPC (Grpc.Net.Client), unary {(one ? "EchoOrder" : "EchoOrders")}, one channel", call, new DisposeAction(channel.Dispose));
    }

    static Protos.Order ToProto(Order order) => new()
    {
        Id = order.Id,
        Number = order.Number,
        CreatedAt = Timestamp.FromDateTime(order.CreatedAt),
        Status = order.Status,
        Currency = order.Currency,
        Channel = order.Channel,
        Customer = new() { Id = order.Customer.Id, Name = order.Customer.Name, Email = order.Customer.Email, Phone = order.Customer.Phone, Vip = order.Customer.Vip },
        ShippingAddress = ToProto(order.ShippingAddress),
        BillingAddress = ToProto(order.BillingAddress),
        Lines = { order.Lines.Select(line => new Protos.OrderLine { Sku = line.Sku, Name = line.Name, Quantity = line.Quantity, UnitPrice = line.UnitPrice, Discount = line.Discount }) },
        Subtotal = order.Subtotal,
        Tax = order.Tax,
        ShippingCost = order.ShippingCost,
        Total = order.Total,
        Tags = { order.Tags },
        Notes = order.Notes,
        Gift = order.Gift,
        Priority = order.Priority,
        CouponCode = order.CouponCode,
        Payment = new() { Method = order.Payment.Method, Reference = order.Payment.Reference },
    };

    static Protos.Address ToProto(Address address) =>
        new() { Street = address.Street, City = address.City, Postcode = address.Postcode, Country = address.Country };

    // HTTP/JSON through the source-generated contract, one HttpClient (see Http in Targets.cs).
    static Target HttpOrders<T>(string address, string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> json, Func<T, bool> isEcho)
    {
        var http = PooledHttpClient(address);
        return new Target($"HttpClient, POST {path} (JSON), one HttpClient", async () =>
        {
            using var response = await http.PostAsJsonAsync(path, value, json);
            response.EnsureSuccessStatusCode();
            var reply = await response.Content.ReadFromJsonAsync(json);
            Require(reply is not null && isEcho(reply), $"POST {path} did not return the order(s) it was sent");
        }, new DisposeAction(http.Dispose));
    }
}
