using System.CommandLine;
using System.Text;
using Tino.Client;

namespace Tino.Cli;

/// <summary><c>tino call &lt;uri&gt; &lt;command&gt; &lt;json args...&gt;</c>: one call through <c>TINO.JSON</c>, its result printed as JSON.</summary>
internal static class CallCommand
{
    public static Command Create(CliContext cli)
    {
        var uri = TinoCommandLine.ServerUri();
        var name = new Argument<string>("command") { Description = "The command to call, e.g. add" };
        var arguments = new Argument<string[]>("arguments") { Description = "One JSON value per argument, e.g. 1 2 or '{\"text\":\"milk\"}'", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("call", "Call a command with JSON arguments and print its JSON result, or the error with its code") { uri, name, arguments };
        command.SetAction((parse, cancellation) => RunAsync(parse, parse.GetValue(uri)!, parse.GetValue(name)!, parse.GetValue(arguments) ?? [], cli, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, string uri, string name, string[] arguments, CliContext cli, CancellationToken cancellation)
    {
        await using var client = await TinoCommandLine.ConnectAsync(parse, uri, cli, cancellation).ConfigureAwait(false);
        if (client is null)
        {
            return TinoCommandLine.ConnectionFailed;
        }
        var request = arguments.Prepend(name).Select(text => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(text)).ToArray();
        try
        {
            var reply = await client.ExecuteAsync("TINO.JSON", request, cancellation).ConfigureAwait(false);
            await cli.Out.WriteLineAsync(Encoding.UTF8.GetString(reply.Bytes.Span)).ConfigureAwait(false);
            return 0;
        }
        catch (TinoRemoteException error)
        {
            await cli.Error.WriteLineAsync(TinoCommandLine.Describe(error)).ConfigureAwait(false);
            return TinoCommandLine.RemoteError;
        }
        catch (TinoConnectionException error)
        {
            await cli.Error.WriteLineAsync($"tino: the connection was lost: {error.Message}").ConfigureAwait(false);
            return TinoCommandLine.ConnectionFailed;
        }
    }
}
