using System.Net;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// A subscriber as cheap as a client can be, so that the servers, not the subscribers, bound the figure: one socket in
/// Redis's subscribed state, its <c>message</c> frames counted by their lengths alone (nothing decoded, nothing
/// allocated per event). An event whose payload is 2 bytes or fewer (an empty MessagePack bin) is a probe.
/// </summary>
internal sealed class RawSubscriber : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 16];
    private long _received;
    private int _probed;

    private RawSubscriber(Socket socket) => _socket = socket;

    /// <summary>Events with a payload received so far.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Whether a probe has arrived: the subscription is confirmed and delivering.</summary>
    public bool Probed => Volatile.Read(ref _probed) != 0;

    public static async Task<RawSubscriber> StartAsync(string address, string channel)
    {
        var colon = address.LastIndexOf(':');
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Parse(address[..colon]), int.Parse(address[(colon + 1)..]));
        var name = Encoding.UTF8.GetBytes(channel);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"*2\r\n$9\r\nSUBSCRIBE\r\n${name.Length}\r\n").Concat(name).Concat("\r\n"u8.ToArray()).ToArray());
        var subscriber = new RawSubscriber(socket);
        _ = Task.Run(subscriber.ReadAsync);
        return subscriber;
    }

    private async Task ReadAsync()
    {
        var kept = 0;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(_buffer.AsMemory(kept));
                if (read == 0)
                {
                    return;
                }
                var end = kept + read;
                var used = CountFrames(_buffer.AsSpan(0, end));
                kept = end - used;
                _buffer.AsSpan(used, kept).CopyTo(_buffer);
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // Closed by Dispose, or by the server.
        }
    }

    /// <summary>Counts the whole frames at the start of <paramref name="bytes"/>; returns how many bytes they took.</summary>
    private int CountFrames(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (TryFrame(bytes[at..], out var length, out var last))
        {
            at += length;
            if (last > 2)
            {
                Interlocked.Increment(ref _received);
            }
            else if (last >= 0)
            {
                Volatile.Write(ref _probed, 1);
            }
        }
        return at;
    }

    /// <summary>
    /// One array (a message, or a confirmation ending in its count): its length, and its last element's length, or -1
    /// when that is an integer.
    /// </summary>
    private static bool TryFrame(ReadOnlySpan<byte> bytes, out int length, out int last)
    {
        length = last = 0;
        if (!TryNumber(bytes, (byte)'*', out var count, out var at))
        {
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            if (at < bytes.Length && bytes[at] == (byte)':')
            {
                // The subscription count of a confirmation.
                if (!TryNumber(bytes[at..], (byte)':', out _, out var integer))
                {
                    return false;
                }
                at += integer;
                last = -1;
                continue;
            }
            if (!TryNumber(bytes[at..], (byte)'$', out var size, out var header) || at + header + size + 2 > bytes.Length)
            {
                return false;
            }
            at += header + size + 2;
            last = size;
        }
        length = at;
        return true;
    }

    /// <summary>A line <c>&lt;prefix&gt;&lt;digits&gt;\r\n</c>: its number and its length.</summary>
    private static bool TryNumber(ReadOnlySpan<byte> bytes, byte prefix, out int number, out int length)
    {
        number = length = 0;
        var end = bytes.IndexOf("\r\n"u8);
        if (end < 1 || bytes[0] != prefix)
        {
            return false;
        }
        number = int.Parse(bytes[1..end]);
        length = end + 2;
        return true;
    }

    public void Dispose() => _socket.Dispose();
}
