using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tino.Protocol;

namespace Tino.Benchmarks;

/// <summary>Parsing requests from one contiguous buffer, as a socket read delivers them.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const int BatchSize = 16;
    private readonly RespLimits _limits = RespLimits.Default;
    private readonly RespArguments _arguments = new();
    private readonly byte[] _add = Requests.Add;
    private readonly byte[] _batch = Requests.Pipelined(BatchSize);

    [GlobalSetup]
    public void Setup()
    {
        Requests.Expect(ReadAdd() == 2, "ADD 1 2 parses with two arguments");
        Requests.Expect(ReadBatch() == BatchSize, "the batch holds 16 requests");
        Requests.Expect(ReadAddHeader() == 2, "the header of ADD 1 2 announces two arguments");
        Requests.Expect(ReadAddHeaderThenArguments() == 2, "ADD 1 2 parses with two arguments, header first");
    }

    /// <summary>One whole request, <c>ADD 1 2</c>; returns its argument count.</summary>
    [Benchmark]
    public int ReadAdd()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_add));
        RespRequestParser.TryRead(ref reader, _limits, _arguments, out _, out _);
        return _arguments.Count;
    }

    /// <summary>Sixteen pipelined <c>ADD 1 2</c> requests from one buffer; returns how many were read.</summary>
    [Benchmark]
    public int ReadBatch()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_batch));
        var requests = 0;
        while (RespRequestParser.TryRead(ref reader, _limits, _arguments, out _, out _) == RespStatus.Complete)
        {
            requests++;
        }
        return requests;
    }

    /// <summary>The array header and command name of <c>ADD 1 2</c> only; returns the announced argument count.</summary>
    [Benchmark]
    public int ReadAddHeader()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_add));
        RespRequestParser.TryReadHeader(ref reader, _limits, out var header, out _);
        return header.ArgumentCount;
    }

    /// <summary>
    /// <c>ADD 1 2</c> as the server reads it: the header, then (the command found and allowed) the arguments;
    /// returns the argument count.
    /// </summary>
    [Benchmark]
    public int ReadAddHeaderThenArguments()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_add));
        if (RespRequestParser.TryReadHeader(ref reader, _limits, out var header, out _) != RespStatus.Complete)
        {
            return -1;
        }
        RespRequestParser.TryReadArguments(ref reader, header, _limits, _arguments, out _);
        return _arguments.Count;
    }
}
