using System.Net.Http.Json;
using Grpc.Net.Client;
using StackExchange.Redis;
using Tino.Bench.Peers.Contracts;
using Tino.Client;
using GrpcAdd = Tino.Bench.Peers.Protos;

/// <summary>
/// One workload for ClientLoad: a call that checks its own reply and throws when it is wrong, on one
/// client shared by every caller, and what to dispose when the run ends.
/// </summary>
sealed partial class Target(string description, Func<Task> call, IAsyncDisposable client)
{
    public string Description { get; } = description;

    public Func<Task> Call { get; } = call;

    public IAsyncDisposable Client { get; } = client;

    /// <summary>
    /// Connects the client of <paramref name="name"/> (tino, redis, grpc or http) to <paramref name="address"/>; the Tino
    /// client's calls carry the call context <paramref name="context"/> names (<see cref="ContextModes"/>; null: the
    /// default client's).
    /// </summary>
    public static async Task<Target> ConnectAsync(string name, string address, string? context = null) => name switch
    {
        "tino" => await Tino(address, context),
        "redis" => await Redis(address),
        "grpc" => Grpc(address),
        "http" => Http(address),
        _ => throw new ArgumentException($"unknown target '{name}' (tino, redis, grpc or http)"),
    };

    // The Tino client: one connection; concurrent calls share it and their requests leave in shared writes.
    static async Task<Target> Tino(string address, string? context)
    {
        var client = await TinoClient.ConnectAsync($"redis://{address}", ContextOptions(context));
        return new Target($"Tino client, add(1, 2), call context: {ContextShown(context)}, one connection", async () =>
        {
            var sum = await client.CallAsync<long>("add", 1, 2);
            if (sum != 3)
            {
                throw new InvalidOperationException($"add(1, 2) returned {sum}");
            }
        }, client);
    }

    // StackExchange.Redis: one ConnectionMultiplexer for the whole process, as its docs say; it pipelines
    // the commands of concurrent callers on one connection.
    static async Task<Target> Redis(string address)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(address);
        var database = multiplexer.GetDatabase();
        await database.StringSetAsync("key", new byte[] { 3 });
        return new Target("StackExchange.Redis, GET key (the byte 3), one multiplexer", async () =>
        {
            var value = (byte[]?)await database.StringGetAsync("key");
            if (value is not [3])
            {
                throw new InvalidOperationException($"GET key returned {(value is null ? "nil" : Convert.ToHexString(value))}");
            }
        }, multiplexer);
    }

    // gRPC: one GrpcChannel reused by every call (the first of the gRPC performance practices); its calls are
    // multiplexed as HTTP/2 streams on one connection. http:// makes it speak HTTP/2 without TLS, matching
    // the peer's h2c endpoint. The channel's own handler already opens another connection past the server's
    // stream limit (100), which 50 callers do not reach.
    static Target Grpc(string address)
    {
        var channel = GrpcChannel.ForAddress($"http://{address}");
        var client = new GrpcAdd.Calculator.CalculatorClient(channel);
        var request = new GrpcAdd.AddRequest { A = 1, B = 2 };
        return new Target("gRPC (Grpc.Net.Client), unary Add(1, 2), one channel", async () =>
        {
            var reply = await client.AddAsync(request);
            if (reply.Sum != 3)
            {
                throw new InvalidOperationException($"Add(1, 2) returned {reply.Sum}");
            }
        }, new DisposeAction(channel.Dispose));
    }

    // HTTP/JSON: one HttpClient for the whole run, as the HttpClient guidelines say, so connections are pooled
    // and reused; its SocketsHttpHandler opens one HTTP/1.1 connection per concurrent request (no limit by
    // default), so 50 callers use up to 50 kept-alive connections. JSON goes through the source-generated
    // contract, no reflection.
    static Target Http(string address)
    {
        var http = PooledHttpClient(address);
        var request = new AddRequest(1, 2);
        return new Target("HttpClient, POST /add {\"a\":1,\"b\":2} (JSON), one HttpClient", async () =>
        {
            using var response = await http.PostAsJsonAsync("/add", request, AddJsonContext.Default.AddRequest);
            response.EnsureSuccessStatusCode();
            var reply = await response.Content.ReadFromJsonAsync(AddJsonContext.Default.AddReply);
            if (reply?.Sum != 3)
            {
                throw new InvalidOperationException($"POST /add returned {reply?.Sum.ToString() ?? "null"}");
            }
        }, new DisposeAction(http.Dispose));
    }

    static HttpClient PooledHttpClient(string address) => new(new SocketsHttpHandler
    {
        // The guidelines' setting for a long-lived client (DNS changes are seen); a run never reaches it.
        PooledConnectionLifetime = TimeSpan.FromMinutes(15),
    })
    {
        BaseAddress = new Uri($"http://{address}"),
    };

    sealed class DisposeAction(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
