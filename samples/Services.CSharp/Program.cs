using System.Net;
using Polly;
using Tino;
using Tino.Client;
using Tino.Hosting;

// Inventory reads who calls from the call's metadata, and stops when its caller's deadline passes or it cancels.
var recountCancelled = new TaskCompletionSource<string>();
var inventory = TinoApp.CreateBuilder()
    .Use(async (context, next) =>
    {
        Console.WriteLine($"inventory: {context.Command.Name} for {context.Metadata.GetValueOrDefault("caller", "?")}");
        await next(context);
    })
    .Command("stock", [Idempotent] (string item, CallContext call) =>
        call.Deadline is { } deadline && deadline - DateTimeOffset.UtcNow <= TimeSpan.FromSeconds(2) ? 7 : 0)
    .Command("recount", async (CancellationToken cancellation) =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
            recountCancelled.SetResult("inventory: recount cancelled by its caller");
            throw;
        }
    })
    .Build();
await using var inventoryServer = new TinoServer(inventory);
await inventoryServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));

// Orders calls inventory: its own metadata, a retry for the idempotent stock query.
await using var toInventory = await TinoClient.ConnectAsync($"redis://127.0.0.1:{inventoryServer.LocalEndPoint!.Port}", new TinoClientOptions
{
    Metadata = new Dictionary<string, string> { ["caller"] = "orders" },
    IdempotentCommands = new HashSet<string>(["stock"]),
    Resilience = new ResiliencePipelineBuilder<ReadOnlyMemory<byte>>().AddRetry(TinoResilience.Retry()).Build(),
});
var orders = TinoApp.CreateBuilder()
    .Command("place_order", async (string item, CancellationToken cancellation) =>
        // Sends what is left of this call's deadline (the caller's 2 s, not this client's 30 s), and continues its trace.
        $"{item}: {await toInventory.CallAsync<int>("stock", cancellation, item)} in stock")
    .Build();
await using var ordersServer = new TinoServer(orders);
await ordersServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));

// The caller gives the whole chain 2 s, and its middleware sees every call.
await using var client = await TinoClient.ConnectAsync($"redis://127.0.0.1:{ordersServer.LocalEndPoint!.Port}", new TinoClientOptions
{
    CallTimeout = TimeSpan.FromSeconds(2),
    Middleware = [next => call => { Console.WriteLine($"caller: {call.Command}"); return next(call); }],
});
Console.WriteLine(await client.CallAsync<string>("place_order", "apples"));

// Cancelling a call cancels it on the server too: the handler's token fires.
using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
try
{
    await toInventory.CallAsync("recount", cancel.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine(await recountCancelled.Task);
}
