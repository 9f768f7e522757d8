namespace Tino.Client;

/// <summary>One endpoint of a <see cref="TinoClusterClient"/> as it stands now.</summary>
/// <param name="Address">The endpoint as it was given, without credentials: <c>redis://10.0.0.11:7534</c> or <c>10.0.0.11:7534</c>.</param>
/// <param name="IsHealthy">Whether calls go to it: it is connected and its last health check passed.</param>
/// <param name="LastError">Why it is down (a failed connect, health check or call; a <c>NOT_READY</c> reply), or null while it is healthy.</param>
public sealed record TinoEndPointStatus(string Address, bool IsHealthy, Exception? LastError);
