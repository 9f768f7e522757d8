using System.Buffers;
using System.Text;
using Tino.Protocol;

namespace Tino.Hosting.Commands;

/// <summary>
/// The replies of <c>COMMAND</c>, <c>COMMAND INFO</c> and <c>COMMAND DOCS</c> for an app, shaped as Redis 7 shapes
/// them in RESP2 and built once per server. <c>redis-cli</c> 7.0 reads the arity of each <c>COMMAND</c> entry
/// for its hints; 7.2 and later read the argument names of <c>COMMAND DOCS</c>.
/// </summary>
internal sealed class CommandListing
{
    private readonly Dictionary<string, (byte[] Info, byte[] Docs)> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _order = [];

    public CommandListing(IReadOnlyList<ServerCommand> commands)
    {
        foreach (var command in commands)
        {
            string[] flags = command.App is null ? ["fast"]
                : [.. command.App.RequiresAuth ? [] : new[] { "no_auth" }, .. command.App.Handler.IsIdempotent ? new[] { "idempotent" } : []];
            Add(command.Name, command.Arity, flags, command.Group, command.Summary, ArgumentsOf(command.Arguments));
        }
        Count = commands.Count;
        All = Concat(_order.Select(name => _entries[name].Info), _order.Count);
        AllDocs = Concat(_order.SelectMany(name => new[] { BulkString(name), _entries[name].Docs }), _order.Count * 2);
    }

    /// <summary>How many commands the server has, for <c>COMMAND COUNT</c>.</summary>
    public int Count { get; }

    /// <summary>The reply of <c>COMMAND</c>: an entry per command.</summary>
    public byte[] All { get; }

    /// <summary>The reply of <c>COMMAND DOCS</c>: name and docs, flat, for every command.</summary>
    public byte[] AllDocs { get; }

    /// <summary>The <c>COMMAND INFO</c> entry and the <c>COMMAND DOCS</c> map of one command.</summary>
    public bool TryGet(string name, out byte[] info, out byte[] docs)
    {
        var found = _entries.TryGetValue(name, out var entry);
        (info, docs) = entry;
        return found;
    }

    /// <summary>COMMAND, COMMAND COUNT, COMMAND INFO [name...] and COMMAND DOCS [name...], as Redis 7 replies them in RESP2.</summary>
    public static ValueTask Command(Session session, RespArguments args)
    {
        var output = session.Output;
        var listing = session.Commands.Listing;
        if (args.Count == 0 || args.Count == 1 && args.Is(0, "INFO"u8))
        {
            output.Write(listing.All);
        }
        else if (args.Is(0, "COUNT"u8) && args.Count == 1)
        {
            RespWriter.WriteInteger(output, listing.Count);
        }
        else if (args.Is(0, "DOCS"u8) && args.Count == 1)
        {
            output.Write(listing.AllDocs);
        }
        else if (args.Is(0, "DOCS"u8))
        {
            // Redis leaves out the names it does not know.
            var found = new List<(string Name, byte[] Docs)>();
            for (var i = 1; i < args.Count; i++)
            {
                if (listing.TryGet(args.GetText(i), out _, out var docs))
                {
                    found.Add((args.GetText(i).ToUpperInvariant(), docs));
                }
            }
            RespWriter.WriteArrayHeader(output, found.Count * 2);
            foreach (var (name, docs) in found)
            {
                RespWriter.WriteBulkString(output, Encoding.UTF8.GetBytes(name));
                output.Write(docs);
            }
        }
        else if (args.Is(0, "INFO"u8))
        {
            // Redis replies a nil entry for a name it does not know.
            RespWriter.WriteArrayHeader(output, args.Count - 1);
            for (var i = 1; i < args.Count; i++)
            {
                if (listing.TryGet(args.GetText(i), out var info, out _))
                {
                    output.Write(info);
                }
                else
                {
                    RespWriter.WriteArrayHeader(output, -1);
                }
            }
        }
        else
        {
            session.WriteUnknownSubcommand("COMMAND", args);
        }
        return default;
    }

    /// <summary>Argument words: "name" required, "name?" optional, "name*" optional and repeated.</summary>
    private static Argument[] ArgumentsOf(IEnumerable<string> words) =>
        [.. words.Select(word => word.TrimEnd('?', '*') is var name && name.Length < word.Length
            ? new Argument(name, Optional: true, Multiple: word.EndsWith('*'))
            : new Argument(word, Optional: false, Multiple: false))];

    private void Add(string name, int arity, string[] flags, string group, string summary, Argument[] arguments)
    {
        var listed = name.ToUpperInvariant();
        _order.Add(listed);
        _entries[listed] = (Info(listed, arity, flags, group), Docs(group, summary, arguments));
    }

    /// <summary>name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands.</summary>
    private static byte[] Info(string name, int arity, string[] flags, string group)
    {
        var output = new ArrayBufferWriter<byte>(128);
        RespWriter.WriteArrayHeader(output, 10);
        RespWriter.WriteBulkString(output, Encoding.ASCII.GetBytes(name));
        RespWriter.WriteInteger(output, arity);
        WriteStatuses(output, flags);
        RespWriter.WriteInteger(output, 0);
        RespWriter.WriteInteger(output, 0);
        RespWriter.WriteInteger(output, 0);
        WriteStatuses(output, ["@" + group]);
        RespWriter.WriteArrayHeader(output, 0);
        RespWriter.WriteArrayHeader(output, 0);
        RespWriter.WriteArrayHeader(output, 0);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>summary, since, group, complexity and arguments, as a flat RESP2 map.</summary>
    private static byte[] Docs(string group, string summary, Argument[] arguments)
    {
        var output = new ArrayBufferWriter<byte>(256);
        RespWriter.WriteArrayHeader(output, 10);
        WritePair(output, "summary", summary);
        WritePair(output, "since", TinoServer.Version);
        WritePair(output, "group", group);
        WritePair(output, "complexity", "O(1)");
        RespWriter.WriteBulkString(output, "arguments"u8);
        RespWriter.WriteArrayHeader(output, arguments.Length);
        foreach (var argument in arguments)
        {
            var flags = argument.Optional ? argument.Multiple ? new[] { "optional", "multiple" } : ["optional"] : [];
            RespWriter.WriteArrayHeader(output, flags.Length > 0 ? 8 : 6);
            WritePair(output, "name", argument.Name);
            WritePair(output, "type", "string");
            WritePair(output, "display_text", argument.Name);
            if (flags.Length > 0)
            {
                RespWriter.WriteBulkString(output, "flags"u8);
                WriteStatuses(output, flags);
            }
        }
        return output.WrittenSpan.ToArray();
    }

    private static void WritePair(IBufferWriter<byte> output, string key, string value)
    {
        RespWriter.WriteBulkString(output, Encoding.UTF8.GetBytes(key));
        RespWriter.WriteBulkString(output, Encoding.UTF8.GetBytes(value));
    }

    private static void WriteStatuses(IBufferWriter<byte> output, string[] values)
    {
        RespWriter.WriteArrayHeader(output, values.Length);
        foreach (var value in values)
        {
            RespWriter.WriteSimpleString(output, Encoding.UTF8.GetBytes(value));
        }
    }

    private static byte[] BulkString(string text)
    {
        var output = new ArrayBufferWriter<byte>(text.Length + 16);
        RespWriter.WriteBulkString(output, Encoding.UTF8.GetBytes(text));
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Concat(IEnumerable<byte[]> parts, int count)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        RespWriter.WriteArrayHeader(output, count);
        foreach (var part in parts)
        {
            output.Write(part);
        }
        return output.WrittenSpan.ToArray();
    }

    private readonly record struct Argument(string Name, bool Optional, bool Multiple);
}
