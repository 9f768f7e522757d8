using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MessagePack;
using MessagePack.Resolvers;
using Tino.Bench.Orders;
using Tino.FSharp.Serialization;
using Tino.Serialization;
using Attributed = Tino.Benchmarks.AttributedOrders;
using FSharpOrders = Tino.Bench.Orders.FSharp;

namespace Tino.Benchmarks;

/// <summary>
/// Encoding and decoding the structured payload (an order of twenty fields, and a list of 100) through Tino's
/// serializer options, each against its floor: MessagePack-CSharp's own formatters for an equivalent type. Each
/// category pairs one Tino benchmark with its floor (the baseline), so BenchmarkDotNet's Ratio is Tino / floor.
/// Encoding writes into a reused buffer; decoding reads pre-encoded bytes.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class StructuredCodecBenchmarks
{
    // The options a Tino server and client use: TinoMessagePack.DefaultOptions for a C# app, FSharpMessagePack.options
    // for an F# one (what Tino.FSharp's `tino { }` and Client.connect set when the app names no serializer).
    private readonly MessagePackSerializerOptions _tino = TinoMessagePack.DefaultOptions;
    private readonly MessagePackSerializerOptions _tinoFSharp = FSharpMessagePack.options;
    private readonly MessagePackSerializerOptions _contractless = ContractlessStandardResolver.Options;
    private readonly MessagePackSerializerOptions _attributed = StandardResolver.Options;
    private readonly ArrayBufferWriter<byte> _output = new(256 * 1024);

    private readonly Order _order = Samples.Order(0);
    private readonly Order[] _orders = Samples.Orders();
    private readonly FSharpOrders.Order _fsOrder = FSharpOrders.Samples.order(0);
    private readonly Microsoft.FSharp.Collections.FSharpList<FSharpOrders.Order> _fsOrders = FSharpOrders.Samples.orders();
    private readonly Attributed.Order _attributedOrder = Attributed.Order.From(FSharpOrders.Samples.order(0));
    private readonly Attributed.Order[] _attributedOrders = [.. FSharpOrders.Samples.orders().Select(Attributed.Order.From)];

    private ReadOnlySequence<byte> _tinoOrderBytes;
    private ReadOnlySequence<byte> _tinoOrdersBytes;
    private ReadOnlySequence<byte> _contractlessOrderBytes;
    private ReadOnlySequence<byte> _contractlessOrdersBytes;
    private ReadOnlySequence<byte> _fsOrderBytes;
    private ReadOnlySequence<byte> _fsOrdersBytes;
    private ReadOnlySequence<byte> _attributedOrderBytes;
    private ReadOnlySequence<byte> _attributedOrdersBytes;

    [GlobalSetup]
    public void Setup()
    {
        _tinoOrderBytes = Encoded(EncodeOrderTino);
        _tinoOrdersBytes = Encoded(EncodeOrdersTino);
        _contractlessOrderBytes = Encoded(EncodeOrderContractless);
        _contractlessOrdersBytes = Encoded(EncodeOrdersContractless);
        _fsOrderBytes = Encoded(EncodeOrderFSharpTino);
        _fsOrdersBytes = Encoded(EncodeOrdersFSharpTino);
        _attributedOrderBytes = Encoded(EncodeOrderAttributed);
        _attributedOrdersBytes = Encoded(EncodeOrdersAttributed);

        Requests.Expect(Same(DecodeOrderTino(), _order), "Tino's C# order survives the round trip");
        Requests.Expect(DecodeOrdersTino().Zip(_orders).All(pair => Same(pair.First, pair.Second)), "Tino's C# orders survive the round trip");
        Requests.Expect(Same(DecodeOrderContractless(), _order), "the contractless C# order survives the round trip");
        Requests.Expect(DecodeOrdersContractless().Zip(_orders).All(pair => Same(pair.First, pair.Second)), "the contractless C# orders survive the round trip");
        Requests.Expect(DecodeOrderFSharpTino().Equals(_fsOrder), "Tino's F# order survives the round trip");
        Requests.Expect(DecodeOrdersFSharpTino().Equals(_fsOrders), "Tino's F# orders survive the round trip");
        Requests.Expect(DecodeOrderAttributed().ToFSharp().Equals(_fsOrder), "the attributed order survives the round trip");
        Requests.Expect(ToFSharp(DecodeOrdersAttributed()).Equals(_fsOrders), "the attributed orders survive the round trip");

        // The floor for the F# order reads what Tino writes for it, and Tino reads what the floor writes: one wire shape.
        Requests.Expect(ToFSharp(MessagePackSerializer.Deserialize<Attributed.Order[]>(_fsOrdersBytes, _attributed)).Equals(_fsOrders), "the attributed orders read Tino's F# orders");
        Requests.Expect(MessagePackSerializer.Deserialize<FSharpOrders.Order[]>(_attributedOrdersBytes, _tinoFSharp).SequenceEqual(_fsOrders), "Tino reads the attributed orders as F# orders");
        Requests.Expect(_fsOrders.Select(order => order.Payment.Tag).Distinct().Count() == 3, "the orders pay in each of the union's cases");
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Order", "Encode", "C# record")]
    public int EncodeOrderContractless() => Encode(_order, _contractless);

    [Benchmark, BenchmarkCategory("Order", "Encode", "C# record")]
    public int EncodeOrderTino() => Encode(_order, _tino);

    [Benchmark(Baseline = true), BenchmarkCategory("Order", "Decode", "C# record")]
    public Order DecodeOrderContractless() => MessagePackSerializer.Deserialize<Order>(_contractlessOrderBytes, _contractless);

    [Benchmark, BenchmarkCategory("Order", "Decode", "C# record")]
    public Order DecodeOrderTino() => MessagePackSerializer.Deserialize<Order>(_tinoOrderBytes, _tino);

    [Benchmark(Baseline = true), BenchmarkCategory("Orders", "Encode", "C# record")]
    public int EncodeOrdersContractless() => Encode(_orders, _contractless);

    [Benchmark, BenchmarkCategory("Orders", "Encode", "C# record")]
    public int EncodeOrdersTino() => Encode(_orders, _tino);

    [Benchmark(Baseline = true), BenchmarkCategory("Orders", "Decode", "C# record")]
    public Order[] DecodeOrdersContractless() => MessagePackSerializer.Deserialize<Order[]>(_contractlessOrdersBytes, _contractless);

    [Benchmark, BenchmarkCategory("Orders", "Decode", "C# record")]
    public Order[] DecodeOrdersTino() => MessagePackSerializer.Deserialize<Order[]>(_tinoOrdersBytes, _tino);

    [Benchmark(Baseline = true), BenchmarkCategory("Order", "Encode", "F# record")]
    public int EncodeOrderAttributed() => Encode(_attributedOrder, _attributed);

    [Benchmark, BenchmarkCategory("Order", "Encode", "F# record")]
    public int EncodeOrderFSharpTino() => Encode(_fsOrder, _tinoFSharp);

    [Benchmark(Baseline = true), BenchmarkCategory("Order", "Decode", "F# record")]
    public Attributed.Order DecodeOrderAttributed() => MessagePackSerializer.Deserialize<Attributed.Order>(_attributedOrderBytes, _attributed);

    [Benchmark, BenchmarkCategory("Order", "Decode", "F# record")]
    public FSharpOrders.Order DecodeOrderFSharpTino() => MessagePackSerializer.Deserialize<FSharpOrders.Order>(_fsOrderBytes, _tinoFSharp);

    [Benchmark(Baseline = true), BenchmarkCategory("Orders", "Encode", "F# record")]
    public int EncodeOrdersAttributed() => Encode(_attributedOrders, _attributed);

    [Benchmark, BenchmarkCategory("Orders", "Encode", "F# record")]
    public int EncodeOrdersFSharpTino() => Encode(_fsOrders, _tinoFSharp);

    [Benchmark(Baseline = true), BenchmarkCategory("Orders", "Decode", "F# record")]
    public Attributed.Order[] DecodeOrdersAttributed() => MessagePackSerializer.Deserialize<Attributed.Order[]>(_attributedOrdersBytes, _attributed);

    [Benchmark, BenchmarkCategory("Orders", "Decode", "F# record")]
    public Microsoft.FSharp.Collections.FSharpList<FSharpOrders.Order> DecodeOrdersFSharpTino() =>
        MessagePackSerializer.Deserialize<Microsoft.FSharp.Collections.FSharpList<FSharpOrders.Order>>(_fsOrdersBytes, _tinoFSharp);

    /// <summary>Writes <paramref name="value"/> into the reused buffer; returns the bytes written.</summary>
    private int Encode<T>(T value, MessagePackSerializerOptions options)
    {
        _output.ResetWrittenCount();
        MessagePackSerializer.Serialize(_output, value, options);
        return _output.WrittenCount;
    }

    /// <summary>A copy of what <paramref name="encode"/> wrote, for the decoding benchmarks to read.</summary>
    private ReadOnlySequence<byte> Encoded(Func<int> encode)
    {
        Requests.Expect(encode() > 0, "the encoder wrote something");
        return new ReadOnlySequence<byte>(_output.WrittenSpan.ToArray());
    }

    /// <summary>Every field equal, the arrays element by element (a record's own equality compares arrays by reference).</summary>
    private static bool Same(Order decoded, Order expected) =>
        decoded with { Lines = [], Tags = [] } == expected with { Lines = [], Tags = [] }
        && decoded.Lines.SequenceEqual(expected.Lines)
        && decoded.Tags.SequenceEqual(expected.Tags);

    private static Microsoft.FSharp.Collections.FSharpList<FSharpOrders.Order> ToFSharp(Attributed.Order[] orders) =>
        Microsoft.FSharp.Collections.ListModule.OfSeq(orders.Select(order => order.ToFSharp()));
}
