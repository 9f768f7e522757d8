using System.Buffers;
using Tino.Protocol;

namespace Tino.Hosting;

internal sealed partial class Connection
{
    /// <summary>COMMAND, COMMAND COUNT, COMMAND INFO [name...] and COMMAND DOCS [name...], as Redis 7 replies them in RESP2.</summary>
    private void Command()
    {
        var args = _arguments;
        var listing = CommandListing.For(_app);
        if (args.Count == 0 || args.Count == 1 && args.Is(0, "INFO"u8))
        {
            _output.Write(listing.All);
        }
        else if (args.Is(0, "COUNT"u8) && args.Count == 1)
        {
            RespWriter.WriteInteger(_output, Builtin.Table.Count + SessionBuiltin.Table.Count + _app.Commands.Count);
        }
        else if (args.Is(0, "DOCS"u8) && args.Count == 1)
        {
            _output.Write(listing.AllDocs);
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
            RespWriter.WriteArrayHeader(_output, found.Count * 2);
            foreach (var (name, docs) in found)
            {
                RespWriter.WriteBulkString(_output, System.Text.Encoding.UTF8.GetBytes(name));
                _output.Write(docs);
            }
        }
        else if (args.Is(0, "INFO"u8))
        {
            // Redis replies a nil entry for a name it does not know.
            RespWriter.WriteArrayHeader(_output, args.Count - 1);
            for (var i = 1; i < args.Count; i++)
            {
                if (listing.TryGet(args.GetText(i), out var info, out _))
                {
                    _output.Write(info);
                }
                else
                {
                    RespWriter.WriteArrayHeader(_output, -1);
                }
            }
        }
        else
        {
            UnknownSubcommand("COMMAND");
        }
    }
}
