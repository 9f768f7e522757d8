using MessagePack;
using Tino.Serialization;

namespace Tino.Client;

/// <summary>
/// An error reply from a Tino server: <c>-CODE detail</c>. Subclasses name the kinds callers usually
/// handle apart; any other code (a handler's own, <c>UNEXPECTED_ERROR</c>, ...) is this type itself.
/// </summary>
public class TinoRemoteException : TinoException
{
    private readonly string _detail;

    /// <summary>Creates the exception for an error reply with <paramref name="code"/> and its raw <paramref name="detail"/>.</summary>
    public TinoRemoteException(string code, string message, string detail) : base(code, message) => _detail = detail;

    /// <summary>What followed the code on the error line, exactly as the server sent it.</summary>
    public override string Detail => _detail;

    internal override bool DetailIsQuotedMessage => false;

    /// <summary>
    /// The MessagePack of the typed error value the server sent with the error (a handler's <see cref="TinoException{TError}"/>,
    /// an F# <c>Result</c>'s <c>Error</c>), or empty when it sent none.
    /// </summary>
    public ReadOnlyMemory<byte> ErrorValue { get; init; }

    /// <summary>Decodes <see cref="ErrorValue"/> as <typeparamref name="T"/>, with the default options unless <paramref name="options"/> are given.</summary>
    /// <exception cref="InvalidOperationException">The server sent no error value.</exception>
    public T DecodeErrorValue<T>(MessagePackSerializerOptions? options = null) =>
        ErrorValue.IsEmpty
            ? throw new InvalidOperationException($"the error {Code} came without an error value")
            : MessagePackSerializer.Deserialize<T>(ErrorValue, options ?? TinoMessagePack.DefaultOptions);
}
