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
}
