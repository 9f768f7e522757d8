using System.Buffers;
using MessagePack;

namespace Tino;

/// <summary>
/// A <see cref="TinoException"/> that also carries a typed error value: the reply is
/// <c>-&lt;CODE&gt; "&lt;message&gt;" "&lt;base64 of the value's MessagePack&gt;"</c>, and a Tino client decodes the value
/// back (an F# <c>Result</c>'s <c>Error</c>, or <see cref="Client.TinoRemoteException.DecodeErrorValue{T}"/>).
/// </summary>
/// <typeparam name="TError">The error value's type, encoded with the app's MessagePack options.</typeparam>
/// <example><code>throw new TinoException&lt;OutOfStock&gt;("OUT_OF_STOCK", "only 3 left", new OutOfStock("plum", 3));</code></example>
public class TinoException<TError> : TinoException
{
    /// <summary>Creates an error that replies <paramref name="code"/>, <paramref name="message"/> and <paramref name="value"/>.</summary>
    public TinoException(string code, string message, TError value) : base(code, message) => Value = value;

    /// <summary>The error value sent with the reply.</summary>
    public TError Value { get; }

    internal override bool HasValue => true;

    internal override void WriteValue(IBufferWriter<byte> output, MessagePackSerializerOptions options) =>
        MessagePackSerializer.Serialize(output, Value, options);
}
