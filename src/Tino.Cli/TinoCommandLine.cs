using System.CommandLine;
using Tino.Client;

namespace Tino.Cli;

/// <summary>The <c>tino</c> command line: its subcommands, the connection options they share, and the exit codes.</summary>
/// <remarks>Exit codes: 0 success, 1 the server replied an error, 2 the server could not be reached or refused the credentials.</remarks>
internal static class TinoCommandLine
{
    public const int RemoteError = 1;
    public const int ConnectionFailed = 2;

    public static readonly Option<string?> User = new("--user", "-u") { Description = "User name sent with AUTH", Recursive = true };

    public static readonly Option<string?> Password = new("--password", "-a") { Description = "Password sent with AUTH (or give it in the URI: redis://user:password@host:port)", Recursive = true };

    public static readonly Option<bool> Tls = new("--tls") { Description = "Connect with TLS (as a rediss:// URI does)", Recursive = true };

    public static RootCommand Create(CliContext cli)
    {
        var root = new RootCommand("Call, describe, benchmark and probe a Tino server: MessagePack functions over the Redis protocol.")
        {
            CallCommand.Create(cli),
            DescribeCommand.Create(cli),
            BenchCommand.Create(cli),
            HealthCommand.Create(cli),
            GenerateCommand.Create(cli),
        };
        root.Add(User);
        root.Add(Password);
        root.Add(Tls);
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the subcommand, writing help and parse errors to the context's writers.</summary>
    public static Task<int> RunAsync(string[] args, CliContext cli, CancellationToken cancellationToken = default) =>
        Create(cli).Parse(args).InvokeAsync(new InvocationConfiguration { Output = cli.Out, Error = cli.Error }, cancellationToken);

    /// <summary>The URI argument every subcommand starts with.</summary>
    public static Argument<string> ServerUri() => new("uri") { Description = "The server: redis://[user:password@]host:port (rediss:// for TLS); host:port also works" };

    /// <summary>
    /// A subcommand that takes only the server's URI: connects as the options say (exit 2, saying why, when it cannot)
    /// and runs <paramref name="run"/> with the client, which it disposes after.
    /// </summary>
    public static Command OnServer(string name, string description, CliContext cli, Func<TinoClient, CancellationToken, Task<int>> run)
    {
        var uri = ServerUri();
        var command = new Command(name, description) { uri };
        command.SetAction(async (parse, cancellation) =>
        {
            await using var client = await ConnectAsync(parse, parse.GetValue(uri)!, cli, cancellation).ConfigureAwait(false);
            return client is null ? ConnectionFailed : await run(client, cancellation).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Connects as the options say, or reports why not and returns null.</summary>
    public static async Task<TinoClient?> ConnectAsync(ParseResult parse, string uri, CliContext cli, CancellationToken cancellationToken)
    {
        var options = TinoClientOptions.Default with
        {
            UserName = parse.GetValue(User),
            Password = parse.GetValue(Password),
            UseTls = parse.GetValue(Tls),
            Reconnect = false,
        };
        var address = uri.Contains("://", StringComparison.Ordinal) ? uri : "redis://" + uri;
        try
        {
            return await TinoClient.ConnectAsync(address, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is TinoConnectionException or TinoAuthenticationException or ArgumentException or UriFormatException)
        {
            await cli.Error.WriteLineAsync($"tino: cannot connect to {uri}: {error.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>An error reply as the server sent it: <c>CODE detail</c>.</summary>
    public static string Describe(TinoRemoteException error) => error.Detail.Length == 0 ? error.Code : $"{error.Code} {error.Detail}";
}
