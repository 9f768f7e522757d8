using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Tino.Client;
using Tino.Serialization;

namespace Tino.Cli;

/// <summary>
/// <c>tino bench &lt;uri&gt; &lt;command&gt; &lt;json args...&gt; -c 50 -n 100000 -P 16</c>: many connections, each with
/// several calls in flight, a progress bar while it runs, then throughput and a latency histogram.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliContext cli)
    {
        var uri = TinoCommandLine.ServerUri();
        var name = new Argument<string>("command") { Description = "The command to call, e.g. add" };
        var arguments = new Argument<string[]>("arguments") { Description = "One JSON value per argument, converted to MessagePack once (JSON's own mapping)", Arity = ArgumentArity.ZeroOrMore };
        var connections = new Option<int>("--connections", "-c") { Description = "Connections to open", DefaultValueFactory = _ => 50 };
        var requests = new Option<int>("--requests", "-n") { Description = "Calls to make in all", DefaultValueFactory = _ => 100_000 };
        var pipeline = new Option<int>("--pipeline", "-P") { Description = "Calls in flight on each connection", DefaultValueFactory = _ => 16 };
        var command = new Command("bench", "Benchmark one command: throughput and a latency histogram with percentiles")
        {
            uri, name, arguments, connections, requests, pipeline,
        };
        command.SetAction((parse, cancellation) =>
        {
            var settings = new BenchSettings(
                parse.GetValue(uri)!, parse.GetValue(name)!, parse.GetValue(arguments) ?? [],
                parse.GetValue(connections), parse.GetValue(requests), parse.GetValue(pipeline));
            return RunAsync(parse, settings, cli, cancellation);
        });
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, BenchSettings settings, CliContext cli, CancellationToken cancellation)
    {
        if (settings.Connections < 1 || settings.Requests < 1 || settings.Pipeline < 1)
        {
            await cli.Error.WriteLineAsync("tino: -c, -n and -P must be at least 1").ConfigureAwait(false);
            return TinoCommandLine.RemoteError;
        }
        ReadOnlyMemory<byte>[] arguments;
        try
        {
            arguments = settings.Arguments.Select(json => (ReadOnlyMemory<byte>)JsonMessagePack.FromJson(json)).ToArray();
        }
        catch (FormatException error)
        {
            await cli.Error.WriteLineAsync($"tino: an argument is not JSON: {error.Message}").ConfigureAwait(false);
            return TinoCommandLine.RemoteError;
        }
        var clients = new List<TinoClient>();
        try
        {
            for (var i = 0; i < settings.Connections; i++)
            {
                if (await TinoCommandLine.ConnectAsync(parse, settings.Uri, cli, cancellation).ConfigureAwait(false) is not { } client)
                {
                    return TinoCommandLine.ConnectionFailed;
                }
                clients.Add(client);
            }
            try
            {
                // One call first: a wrong name or argument stops here, with the server's error.
                await clients[0].CallRawAsync(settings.Command, arguments, cancellation).ConfigureAwait(false);
            }
            catch (TinoRemoteException error)
            {
                await cli.Error.WriteLineAsync(TinoCommandLine.Describe(error)).ConfigureAwait(false);
                return TinoCommandLine.RemoteError;
            }
            var run = new BenchRun(settings, arguments);
            await cli.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"{settings.Command} x {settings.Requests:N0}", maxValue: settings.Requests);
                    var calls = run.RunAsync(clients, cancellation);
                    while (!calls.IsCompleted)
                    {
                        task.Value = run.Completed;
                        await Task.WhenAny(calls, Task.Delay(100, cancellation)).ConfigureAwait(false);
                    }
                    task.Value = run.Completed;
                    await calls.ConfigureAwait(false);
                }).ConfigureAwait(false);
            BenchReport.Write(cli.Console, settings, run);
            if (run.FirstError is { } first)
            {
                await cli.Error.WriteLineAsync($"{run.Errors:N0} calls failed; the first: {first}").ConfigureAwait(false);
                return TinoCommandLine.RemoteError;
            }
            return 0;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
