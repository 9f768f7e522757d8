using MessagePack;
using StackExchange.Redis;
using Tino.Client;

/// <summary>The payload workloads: the same bytes sent and echoed back, through Tino's client or StackExchange.Redis.</summary>
sealed partial class Target
{
    /// <summary>
    /// Connects a client of <paramref name="name"/> (tino or redis) that echoes <paramref name="size"/> bytes: each
    /// call checks the reply's length, and the first reply is compared byte for byte before the run starts.
    /// </summary>
    public static async Task<Target> ConnectEchoAsync(string name, string address, int size)
    {
        var payload = Payload(size);
        return name switch
        {
            "tino" => await TinoEcho(address, payload),
            "redis" => await RedisEcho(address, payload),
            _ => throw new ArgumentException($"--payload works with the tino and redis targets, not '{name}'"),
        };
    }

    // Bytes that are not all alike (a run of zeros could be special-cased somewhere) and not random (each run the same).
    static byte[] Payload(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i % 251);
        }
        return bytes;
    }

    // echo_bin on a Tino interop server: the argument is the payload's MessagePack bin, encoded once, as a proxy or
    // a cache passing bytes on would hold it; CallRawAsync sends it as is and returns the reply's MessagePack, which
    // for echo_bin is the same bin.
    static async Task<Target> TinoEcho(string address, byte[] payload)
    {
        var client = await TinoClient.ConnectAsync($"redis://{address}");
        var argument = MessagePackSerializer.Serialize(payload);
        ReadOnlyMemory<byte>[] arguments = [argument];
        var first = await client.CallRawAsync("echo_bin", arguments);
        Require(first.Span.SequenceEqual(argument), $"echo_bin of {payload.Length} bytes did not return the same bin");
        return new Target($"Tino client, echo_bin of a {payload.Length}-byte bin (raw MessagePack), one connection", async () =>
        {
            var reply = await client.CallRawAsync("echo_bin", arguments);
            Require(reply.Length == argument.Length, $"echo_bin returned {reply.Length} bytes of MessagePack, not {argument.Length}");
        }, client);
    }

    // ECHO through StackExchange.Redis's one multiplexer (redis-server or Garnet): the payload as a RedisValue of
    // bytes, the reply read as bytes.
    static async Task<Target> RedisEcho(string address, byte[] payload)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(address);
        var database = multiplexer.GetDatabase();
        object[] arguments = [payload];
        var first = (byte[]?)await database.ExecuteAsync("ECHO", arguments);
        Require(first is not null && first.AsSpan().SequenceEqual(payload), $"ECHO of {payload.Length} bytes did not return the same bytes");
        return new Target($"StackExchange.Redis, ECHO of {payload.Length} bytes, one multiplexer", async () =>
        {
            var reply = (byte[]?)await database.ExecuteAsync("ECHO", arguments);
            Require(reply?.Length == payload.Length, $"ECHO returned {reply?.Length.ToString() ?? "nil"} bytes, not {payload.Length}");
        }, multiplexer);
    }

    static void Require(bool holds, string message)
    {
        if (!holds)
        {
            throw new InvalidOperationException(message);
        }
    }
}
