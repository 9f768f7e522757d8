using Grpc.Core;
using Tino.Bench.Peers.Protos;

namespace Tino.Bench.Peers;

/// <summary>Returns each order as it came: a call costs a full parse and write of the message, as Tino's echo_order.</summary>
public sealed class OrderEchoService : OrderEcho.OrderEchoBase
{
    public override Task<Order> EchoOrder(Order request, ServerCallContext context) => Task.FromResult(request);

    public override Task<OrderList> EchoOrders(OrderList request, ServerCallContext context) => Task.FromResult(request);
}
