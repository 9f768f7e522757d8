using System.Buffers;
using BenchmarkDotNet.Attributes;
using MessagePack;
using Tino.Protocol;
using Tino.Serialization;

namespace Tino.Benchmarks;

/// <summary>Writing a reply into reused buffers, as the result writer does per call.</summary>
[MemoryDiagnoser]
public class ReplyEncodingBenchmarks
{
    private readonly MessagePackSerializerOptions _options = TinoMessagePack.DefaultOptions;
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly ArrayBufferWriter<byte> _output = new(256);
    private readonly byte[] _three = [0x03];

    [GlobalSetup]
    public void Setup()
    {
        Requests.Expect(WriteBulk() == Requests.AddReply.Length && _output.WrittenSpan.SequenceEqual(Requests.AddReply), "the bulk string is $1 3");
        Requests.Expect(EncodeLongReply() == Requests.AddReply.Length && _output.WrittenSpan.SequenceEqual(Requests.AddReply), "3L encodes as $1 3");
        Requests.Expect(EncodeLongReplyPrimitive() == Requests.AddReply.Length && _output.WrittenSpan.SequenceEqual(Requests.AddReply), "3L encodes as $1 3 on the primitive path");
    }

    /// <summary>The RESP framing of a 1-byte MessagePack value; returns the bytes written.</summary>
    [Benchmark]
    public int WriteBulk()
    {
        _output.ResetWrittenCount();
        RespWriter.WriteBulkString(_output, _three);
        return _output.WrittenCount;
    }

    /// <summary>A <c>long</c> result encoded into scratch, then framed as a bulk string; returns the bytes written.</summary>
    [Benchmark]
    public int EncodeLongReply()
    {
        _scratch.ResetWrittenCount();
        _output.ResetWrittenCount();
        ArgumentCodec.Encode(_scratch, 3L, _options);
        RespWriter.WriteBulkString(_output, _scratch.WrittenSpan);
        return _output.WrittenCount;
    }

    /// <summary>A <c>long</c> result written as its bulk string in one go, as the result writer does for a built-in formatter.</summary>
    [Benchmark]
    public int EncodeLongReplyPrimitive()
    {
        _output.ResetWrittenCount();
        PrimitiveCodec.WriteBulk(_output, 3L, PrimitiveFormat.Integer);
        return _output.WrittenCount;
    }
}
