namespace Tino.Client;

/// <summary>
/// The connection to the server could not be made, was lost, or was closed by the server
/// (after <c>PROTOCOL_ERROR</c>, <c>LIMIT_EXCEEDED</c> or <c>SHUTTING_DOWN</c>). Calls in flight fail with it.
/// </summary>
public sealed class TinoConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TinoConnectionException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
