namespace Tino.Client;

/// <summary>The server has no command of the name called (<c>INVALID_COMMAND</c>).</summary>
public sealed class TinoCommandNotFoundException(string message, string detail)
    : TinoRemoteException(ErrorCodes.InvalidCommand, message, detail);
