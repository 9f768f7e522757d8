using System.CommandLine;
using System.Text;
using Tino.Client;

namespace Tino.Cli;

/// <summary>
/// <c>tino health &lt;uri&gt;</c>: the server's <c>TINO.HEALTH</c>, with an exit code a readiness probe can use: 0 and
/// <c>READY</c>; 1 and <c>NOT_READY</c> with the reason; 2 when the server cannot be reached.
/// </summary>
internal static class HealthCommand
{
    public static Command Create(CliContext cli)
    {
        var uri = TinoCommandLine.ServerUri();
        var command = new Command("health", "Ask the server whether it should be sent calls: READY (exit 0), or NOT_READY and why (exit 1)") { uri };
        command.SetAction((parse, cancellation) => RunAsync(parse, parse.GetValue(uri)!, cli, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, string uri, CliContext cli, CancellationToken cancellation)
    {
        await using var client = await TinoCommandLine.ConnectAsync(parse, uri, cli, cancellation).ConfigureAwait(false);
        if (client is null)
        {
            return TinoCommandLine.ConnectionFailed;
        }
        try
        {
            var reply = await client.ExecuteAsync("TINO.HEALTH", [], cancellation).ConfigureAwait(false);
            await cli.Out.WriteLineAsync(Encoding.UTF8.GetString(reply.Bytes.Span)).ConfigureAwait(false);
            return 0;
        }
        catch (TinoRemoteException error)
        {
            await cli.Out.WriteLineAsync(TinoCommandLine.Describe(error)).ConfigureAwait(false);
            return TinoCommandLine.RemoteError;
        }
        catch (TinoConnectionException error)
        {
            await cli.Error.WriteLineAsync($"tino: the connection was lost: {error.Message}").ConfigureAwait(false);
            return TinoCommandLine.ConnectionFailed;
        }
    }
}
