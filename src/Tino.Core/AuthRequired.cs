namespace Tino;

/// <summary>
/// A handler parameter filled with the connection's auth value. A command with such a parameter
/// needs an authenticated connection: without one the call replies <c>PERMISSION_DENIED</c>,
/// decided from the command name alone. It is not sent on the wire.
/// </summary>
/// <typeparam name="T">The type the app's auth function returns.</typeparam>
/// <param name="Value">The value the app's auth function returned for this connection.</param>
public readonly record struct AuthRequired<T>(T Value);
