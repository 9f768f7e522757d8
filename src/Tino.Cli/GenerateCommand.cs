using System.CommandLine;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Tino.Client;
using Tino.Cli.Generate;

namespace Tino.Cli;

/// <summary>
/// <c>tino generate python|typescript &lt;uri&gt; --out DIR</c>: a typed client module written from the server's <c>TINO.SCHEMA</c>
/// (or from a saved reply, <c>--schema FILE</c>); <c>--check</c> says whether a module written before still matches.
/// </summary>
internal static partial class GenerateCommand
{
    public static Command Create(CliContext cli)
    {
        var language = new Argument<string>("language") { Description = "The client's language: python or typescript" };
        language.AcceptOnlyFromAmong("python", "typescript");
        var uri = new Argument<string?>("uri") { Description = "The server (redis://host:port); not needed with --schema", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out", "-o") { Description = "The folder to write the module into", DefaultValueFactory = _ => "." };
        var module = new Option<string?>("--module") { Description = "The module's name (default tino_client for Python, tinoClient for TypeScript)" };
        var schemaFile = new Option<string?>("--schema") { Description = "A saved TINO.SCHEMA reply (redis-cli --no-raw is not it: the reply's bytes) instead of a server" };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 when the module was made from another schema than the server's" };
        var command = new Command("generate", "Write a typed client module for every command of the server") { language, uri, output, module, schemaFile, check };
        command.SetAction(async (parse, cancellation) =>
        {
            var bytes = await SchemaBytesAsync(parse, parse.GetValue(uri), parse.GetValue(schemaFile), cli, cancellation).ConfigureAwait(false);
            if (bytes is null)
            {
                return TinoCommandLine.ConnectionFailed;
            }
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var python = parse.GetValue(language) == "python";
            var path = Path.Combine(parse.GetValue(output)!, (parse.GetValue(module) ?? (python ? "tino_client" : "tinoClient")) + (python ? ".py" : ".ts"));
            if (parse.GetValue(check))
            {
                return await CheckAsync(path, hash, cli).ConfigureAwait(false);
            }
            ServerSchema schema;
            try
            {
                schema = ServerSchema.Read(bytes);
            }
            catch (InvalidDataException error)
            {
                await cli.Error.WriteLineAsync($"tino: {error.Message}").ConfigureAwait(false);
                return TinoCommandLine.RemoteError;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var source = parse.GetValue(schemaFile) ?? parse.GetValue(uri) ?? "";
            var text = python ? PythonClient.Write(schema, source, hash) : TypeScriptClient.Write(schema, source, hash);
            await File.WriteAllTextAsync(path, text, cancellation).ConfigureAwait(false);
            await cli.Out.WriteLineAsync($"wrote {path}: {schema.Commands.Count} commands, {schema.Types.Count} types").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>The schema's bytes from the file, or from the server; null (said why) when neither can be had.</summary>
    private static async Task<byte[]?> SchemaBytesAsync(ParseResult parse, string? uri, string? file, CliContext cli, CancellationToken cancellationToken)
    {
        if (file is not null)
        {
            return await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        }
        if (uri is null)
        {
            await cli.Error.WriteLineAsync("tino: give the server's URI, or --schema FILE").ConfigureAwait(false);
            return null;
        }
        await using var client = await TinoCommandLine.ConnectAsync(parse, uri, cli, cancellationToken).ConfigureAwait(false);
        if (client is null)
        {
            return null;
        }
        try
        {
            var reply = await client.ExecuteAsync("TINO.SCHEMA", [], cancellationToken).ConfigureAwait(false);
            return reply.Bytes.ToArray();
        }
        catch (TinoRemoteException error)
        {
            await cli.Error.WriteLineAsync($"tino: {uri} has no schema: {TinoCommandLine.Describe(error)}").ConfigureAwait(false);
            return null;
        }
    }

    private static async Task<int> CheckAsync(string path, string hash, CliContext cli)
    {
        var written = File.Exists(path) ? SchemaHash().Match(await File.ReadAllTextAsync(path).ConfigureAwait(false)) : null;
        if (written is { Success: true } && written.Groups[1].Value == hash)
        {
            await cli.Out.WriteLineAsync($"{path} matches the schema").ConfigureAwait(false);
            return 0;
        }
        await cli.Error.WriteLineAsync($"tino: {path} was not generated from this schema (sha256 {hash}); generate it again").ConfigureAwait(false);
        return TinoCommandLine.RemoteError;
    }

    [GeneratedRegex("""SCHEMA_SHA256 = "([0-9a-f]{64})";?$""", RegexOptions.Multiline)]
    private static partial Regex SchemaHash();
}
