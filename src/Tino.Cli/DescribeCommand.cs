using System.CommandLine;
using Spectre.Console;
using Tino.Cli.Generate;
using Tino.Client;

namespace Tino.Cli;

/// <summary><c>tino describe &lt;uri&gt;</c>: the server's <c>TINO.SCHEMA</c> as tables of commands and types.</summary>
internal static class DescribeCommand
{
    public static Command Create(CliContext cli) =>
        TinoCommandLine.OnServer("describe", "Print every command of the server (parameters, result, auth) and the records, unions and enums they use", cli,
            (client, cancellation) => RunAsync(client, cli, cancellation));

    private static async Task<int> RunAsync(TinoClient client, CliContext cli, CancellationToken cancellation)
    {
        ServerSchema schema;
        try
        {
            var reply = await client.ExecuteAsync("TINO.SCHEMA", [], cancellation).ConfigureAwait(false);
            schema = ServerSchema.Read(reply.Bytes);
        }
        catch (TinoRemoteException error)
        {
            await cli.Error.WriteLineAsync(TinoCommandLine.Describe(error)).ConfigureAwait(false);
            return TinoCommandLine.RemoteError;
        }
        catch (InvalidDataException error)
        {
            await cli.Error.WriteLineAsync($"tino: {error.Message}").ConfigureAwait(false);
            return TinoCommandLine.RemoteError;
        }
        cli.Console.Write(Commands(schema));
        if (schema.Types.Count > 0)
        {
            cli.Console.Write(Types(schema));
        }
        return 0;
    }

    private static Table Commands(ServerSchema schema)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Commands") };
        table.AddColumns("Command", "Parameters", "Result", "Auth", "Stream", "Description");
        foreach (var command in schema.Commands)
        {
            table.AddRow(
                new Text(command.Name, new Style(Color.Green)),
                new Text(string.Join(", ", command.Parameters.Select(p => $"{p.Name}: {p.Type.Spelling}"))),
                new Text(command.Result.Spelling),
                new Text(command.Auth ? "yes" : "no"),
                new Text(command.Stream ? "yes" : "no"),
                new Text(command.Description ?? ""));
        }
        return table;
    }

    private static Table Types(ServerSchema schema)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Types") };
        table.AddColumns("Type", "Kind", "Shape");
        foreach (var type in schema.Types)
        {
            var shape = type.Kind switch
            {
                TypeKind.Record => Fields(type.Fields),
                TypeKind.Union => string.Join("\n", type.Cases.Select(c => $"{c.Tag} {c.Name} {{{Fields(c.Fields)}}}")),
                _ => string.Join(", ", type.Members.Select(m => $"{m.Name} = {m.Value}")),
            };
            table.AddRow(new Text(type.Name, new Style(Color.Aqua)), new Text(type.Kind.ToString().ToLowerInvariant()), new Text(shape));
        }
        return table;
    }

    private static string Fields(IReadOnlyList<FieldSchema> fields) =>
        string.Join(", ", fields.Select(f => $"{f.Name}: {f.Type.Spelling}{(f.Required ? "" : " (optional)")}"));
}
