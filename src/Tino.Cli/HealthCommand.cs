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
    public static Command Create(CliContext cli) =>
        TinoCommandLine.OnServer("health", "Ask the server whether it should be sent calls: READY (exit 0), or NOT_READY and why (exit 1)", cli,
            (client, cancellation) => RunAsync(client, cli, cancellation));

    private static async Task<int> RunAsync(TinoClient client, CliContext cli, CancellationToken cancellation)
    {
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
