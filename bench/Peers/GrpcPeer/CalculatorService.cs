using Grpc.Core;
using Tino.Bench.Peers.Protos;

namespace Tino.Bench.Peers;

/// <summary>The gRPC Add of the benchmark: the same work as Tino's add(int a, int b) -> long.</summary>
public sealed class CalculatorService : Calculator.CalculatorBase
{
    // Synchronous work: a completed task, no async state machine, as the gRPC docs' unary samples do.
    public override Task<AddReply> Add(AddRequest request, ServerCallContext context) =>
        Task.FromResult(new AddReply { Sum = (long)request.A + request.B });
}
