namespace Tino;

/// <summary>
/// The app's auth function: turns the credentials of <c>AUTH</c> into the connection's auth value,
/// or refuses them by returning null.
/// </summary>
/// <param name="ValueType">The type of the auth value handlers receive through <see cref="AuthRequired{T}"/> and <see cref="Auth{T}"/>.</param>
/// <param name="Authenticate">Returns the auth value, or null to refuse.</param>
public sealed record AuthHandler(Type ValueType, Func<AuthCredentials, CancellationToken, ValueTask<object?>> Authenticate)
{
    /// <summary>An auth function over the password text alone.</summary>
    /// <example><code>AuthHandler.Create((string password) =&gt; password == "secret" ? "tina" : null)</code></example>
    public static AuthHandler Create<T>(Func<string, T?> authenticate) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(authenticate);
        return new AuthHandler(typeof(T), (credentials, _) => ValueTask.FromResult<object?>(authenticate(credentials.PasswordText)));
    }

    /// <summary>An asynchronous auth function over the whole credentials.</summary>
    public static AuthHandler Create<T>(Func<AuthCredentials, CancellationToken, ValueTask<T?>> authenticate) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(authenticate);
        return new AuthHandler(typeof(T), async (credentials, cancellation) => await authenticate(credentials, cancellation).ConfigureAwait(false));
    }
}
