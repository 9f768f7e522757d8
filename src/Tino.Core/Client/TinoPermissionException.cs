namespace Tino.Client;

/// <summary>The call needs an authenticated connection, or AUTH was refused (<c>PERMISSION_DENIED</c>).</summary>
public class TinoPermissionException(string message, string detail)
    : TinoRemoteException(ErrorCodes.PermissionDenied, message, detail);
