using System.Net;

namespace Tino.Client;

/// <summary>
/// The seed's <c>app.client()</c>: a <see cref="TinoClient"/> made from an app's own description, for code that has the
/// app at hand (a shared project, a test) and calls a server that serves it.
/// </summary>
/// <example><code>
/// await using var client = await app.ConnectClientAsync("redis://127.0.0.1:7534", new TinoClientOptions { Password = "tinaspassword" });
/// long three = await client.CallAsync&lt;long&gt;("add", 1, 2);
/// await client.CallAsync&lt;long&gt;("add", 1);   // TinoArgumentException NUM_ARG_MISMATCH, thrown before anything is sent
/// </code></example>
public static class TinoAppClientExtensions
{
    /// <summary>
    /// Connects to a server of <paramref name="app"/> at <paramref name="uri"/> with a client that knows the app: it
    /// checks each call's name and number of arguments against the app's commands before sending it
    /// (<see cref="TinoClientOptions.KnownCommands"/>), knows which are idempotent (<see cref="TinoClientOptions.IdempotentCommands"/>,
    /// unless the options name them), and encodes with the app's MessagePack options unless <paramref name="options"/> names its own.
    /// </summary>
    /// <exception cref="TinoConnectionException">The server could not be reached.</exception>
    /// <exception cref="TinoAuthenticationException">The server refused the credentials.</exception>
    public static Task<TinoClient> ConnectClientAsync(this TinoApp app, string uri, TinoClientOptions? options = null, CancellationToken cancellationToken = default) =>
        TinoClient.ConnectAsync(uri, OptionsFor(app, options), cancellationToken);

    /// <inheritdoc cref="ConnectClientAsync(TinoApp, string, TinoClientOptions?, CancellationToken)"/>
    public static Task<TinoClient> ConnectClientAsync(this TinoApp app, EndPoint endPoint, TinoClientOptions? options = null, CancellationToken cancellationToken = default) =>
        TinoClient.ConnectAsync(endPoint, OptionsFor(app, options), cancellationToken);

    /// <summary><paramref name="options"/> with the app's serializer when they name none, and the app's commands to check calls against.</summary>
    internal static TinoClientOptions OptionsFor(TinoApp app, TinoClientOptions? options, bool checkCommands = true)
    {
        ArgumentNullException.ThrowIfNull(app);
        options ??= TinoClientOptions.Default;
        return options with
        {
            Serializer = options.Serializer ?? app.Options.SerializerOptions,
            KnownCommands = checkCommands
                ? app.Commands.ToDictionary(command => command.Name, command => command.WireArity, StringComparer.OrdinalIgnoreCase)
                : options.KnownCommands,
            IdempotentCommands = options.IdempotentCommands
                ?? app.Commands.Where(command => command.IsIdempotent).Select(command => command.Name).ToHashSet(StringComparer.OrdinalIgnoreCase),
        };
    }
}
