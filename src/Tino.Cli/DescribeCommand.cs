using System.CommandLine;
using MessagePack;
using Spectre.Console;
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
        IDictionary<object, object?> schema;
        try
        {
            var reply = await client.ExecuteAsync("TINO.SCHEMA", [], cancellation).ConfigureAwait(false);
            schema = MessagePackSerializer.Deserialize<IDictionary<object, object?>>(reply.Bytes, cancellationToken: cancellation);
        }
        catch (TinoRemoteException error)
        {
            await cli.Error.WriteLineAsync(TinoCommandLine.Describe(error)).ConfigureAwait(false);
            return TinoCommandLine.RemoteError;
        }
        cli.Console.Write(Commands(schema));
        if (Map(schema, "types") is { Count: > 0 } types)
        {
            cli.Console.Write(Types(types));
        }
        return 0;
    }

    private static Table Commands(IDictionary<object, object?> schema)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Commands") };
        table.AddColumns("Command", "Parameters", "Result", "Auth", "Stream", "Description");
        foreach (var command in List(schema, "commands").OfType<IDictionary<object, object?>>())
        {
            var parameters = List(command, "parameters").OfType<IDictionary<object, object?>>().Select(p => $"{Text(p, "name")}: {Text(p, "type")}");
            table.AddRow(
                new Text(Text(command, "name"), new Style(Color.Green)),
                new Text(string.Join(", ", parameters)),
                new Text(Text(command, "result")),
                new Text(Flag(command, "auth") ? "yes" : "no"),
                new Text(Flag(command, "stream") ? "yes" : "no"),
                new Text(Text(command, "description")));
        }
        return table;
    }

    private static Table Types(IDictionary<object, object?> types)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Types") };
        table.AddColumns("Type", "Kind", "Shape");
        foreach (var (name, value) in types)
        {
            var type = value as IDictionary<object, object?> ?? new Dictionary<object, object?>();
            var kind = Text(type, "kind");
            var shape = kind switch
            {
                "record" => Fields(type),
                "union" => string.Join("\n", List(type, "cases").OfType<IDictionary<object, object?>>().Select(c => $"{Text(c, "tag")} {Text(c, "name")} {{{Fields(c)}}}")),
                _ => string.Join(", ", (Map(type, "members") ?? new Dictionary<object, object?>()).Select(m => $"{m.Key} = {m.Value}")),
            };
            table.AddRow(new Text(name.ToString() ?? "", new Style(Color.Aqua)), new Text(kind), new Text(shape));
        }
        return table;
    }

    private static string Fields(IDictionary<object, object?> owner) =>
        string.Join(", ", List(owner, "fields").OfType<IDictionary<object, object?>>()
            .Select(f => $"{Text(f, "name")}: {Text(f, "type")}{(Flag(f, "required") ? "" : " (optional)")}"));

    private static string Text(IDictionary<object, object?> map, string key) => map.TryGetValue(key, out var value) ? value?.ToString() ?? "" : "";

    private static bool Flag(IDictionary<object, object?> map, string key) => map.TryGetValue(key, out var value) && value is true;

    private static object?[] List(IDictionary<object, object?> map, string key) => map.TryGetValue(key, out var value) && value is object?[] list ? list : [];

    private static IDictionary<object, object?>? Map(IDictionary<object, object?> map, string key) =>
        map.TryGetValue(key, out var value) ? value as IDictionary<object, object?> : null;
}
