namespace Tino.Client;

/// <summary>The server refused the client's credentials when it connected; the server has closed the connection.</summary>
public sealed class TinoAuthenticationException(string message, string detail) : TinoPermissionException(message, detail);
