namespace Tino.Hosting.Transport;

/// <summary>
/// The size a connection's next receive or send buffer starts at: the size the last one grew to (up to 1 MiB), halved
/// after a batch that used less than a quarter of its buffer. A connection that moves large payloads then takes each
/// batch in one buffer rather than growing one from 4 KiB by copies, and one that goes back to small calls lets go.
/// </summary>
internal struct BufferSizing
{
    public const int Smallest = 4096;
    private const int Largest = 1 << 20;

    private int _next;

    /// <summary>The size to rent the next buffer at.</summary>
    public readonly int Next => Math.Max(_next, Smallest);

    /// <summary>A buffer grew to <paramref name="length"/> bytes.</summary>
    public void Grew(int length) => _next = Math.Min(Math.Max(Next, length), Largest);

    /// <summary>A buffer of <paramref name="length"/> bytes goes back to the pool after holding <paramref name="used"/>.</summary>
    public void Released(int used, int length)
    {
        if (used < length / 4)
        {
            _next = Math.Max(Smallest, Next / 2);
        }
    }
}
