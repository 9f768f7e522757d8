using System.Buffers;
using BenchmarkDotNet.Attributes;
using MessagePack;
using Tino.Serialization;

namespace Tino.Benchmarks;

/// <summary>A small record argument: two fields, sent as a map keyed by member name.</summary>
public sealed record Point(int X, int Y);

/// <summary>Checking and decoding one wire argument, as each argument binder does per call.</summary>
[MemoryDiagnoser]
public class ArgumentDecodingBenchmarks
{
    private readonly MessagePackSerializerOptions _options = TinoMessagePack.DefaultOptions;
    private readonly int _maxDepth = TinoMessagePack.MaxDepthOf(TinoMessagePack.DefaultOptions);
    private readonly ReadOnlySequence<byte> _fixint = new([0x07]);
    private ReadOnlySequence<byte> _point;

    [GlobalSetup]
    public void Setup()
    {
        var encoded = new ArrayBufferWriter<byte>();
        ArgumentCodec.Encode(encoded, new Point(3, 4), _options);
        _point = new ReadOnlySequence<byte>(encoded.WrittenMemory);
        Requests.Expect(DecodeInt() == 7, "the fixint decodes as 7");
        Requests.Expect(DecodeIntPrimitive() == 7, "the fixint decodes as 7 on the primitive path");
        Requests.Expect(PrimitiveCodec.FormatOf<int>(_options) == PrimitiveFormat.Integer, "int has the built-in formatter");
        Requests.Expect(DecodePoint() == new Point(3, 4), "the record decodes as it was encoded");
    }

    /// <summary>A positive fixint as an <c>int</c>: the well-formedness check, then the decode.</summary>
    [Benchmark]
    public int DecodeInt() =>
        MessagePackCheck.IsWellFormed(_fixint, _maxDepth, out _) ? ArgumentCodec.Decode<int>(_fixint, _options) : -1;

    /// <summary>A positive fixint as an <c>int</c> on the primitive fast path, as a binder for a built-in formatter reads it.</summary>
    [Benchmark]
    public int DecodeIntPrimitive() =>
        _fixint.IsSingleSegment && PrimitiveCodec.TryDecode(_fixint.FirstSpan, out int value) ? value : -1;

    /// <summary>A two-field record: the well-formedness check, then the decode (which allocates the record).</summary>
    [Benchmark]
    public Point? DecodePoint() =>
        MessagePackCheck.IsWellFormed(_point, _maxDepth, out _) ? ArgumentCodec.Decode<Point>(_point, _options) : null;
}
