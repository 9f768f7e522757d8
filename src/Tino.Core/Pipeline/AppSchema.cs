using System.Buffers;
using System.Runtime.CompilerServices;
using MessagePack;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// The reply of <c>TINO.SCHEMA</c>: every command of an app described in MessagePack, built once per compiled app.
/// </summary>
/// <remarks>
/// <code>
/// {"protocol": 1,
///  "commands": [{"name": "ADD", "description": nil, "parameters": [{"name": "a", "type": "int32"}, ...],
///                "result": "int64", "auth": false, "stream": false}, ...],
///  "types": {"Note": {"kind": "record", "fields": [{"name": "id", "type": "int32", "required": true}, ...]},
///            "Shape": {"kind": "union", "cases": [{"tag": 0, "name": "Circle", "fields": [...]}, ...]},
///            "Color": {"kind": "enum", "members": {"Red": 0, ...}}}}
/// </code>
/// Type names are those of <c>VALIDATION_ERROR</c> (<see cref="WireTypeNames"/>); every record, union and enum a
/// command mentions, however deeply, is described once under <c>types</c>.
/// </remarks>
internal static class AppSchema
{
    private static readonly ConditionalWeakTable<AppPipeline, byte[]> s_schemas = new();

    /// <summary>The schema's MessagePack bytes for <paramref name="app"/>.</summary>
    public static byte[] Of(AppPipeline app) => s_schemas.GetValue(app, Build);

    /// <summary>The parameters a caller sends, in order.</summary>
    public static CommandParameter[] WireParameters(CommandHandler handler) =>
        handler.Parameters.Where(p => p.Source == ParameterSource.Wire).ToArray();

    /// <summary>The wire type name of what the command replies.</summary>
    public static string ResultName(CommandHandler handler)
    {
        var name = WireTypeNames.Of(StreamShape.ReplyType(handler.ResultType));
        return handler.ResultAcceptsNil && !name.EndsWith('?') && name is not ("nil" or "any") ? name + "?" : name;
    }

    /// <summary>One line such as <c>ADD(a: int32, b: int32) -> int64</c>.</summary>
    public static string Signature(CommandHandler handler) =>
        $"{handler.Name.ToUpperInvariant()}({string.Join(", ", WireParameters(handler).Select(p => $"{p.Name}: {WireTypeNames.Of(p.Type)}"))}) -> {ResultName(handler)}";

    private static byte[] Build(AppPipeline app)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var writer = new MessagePackWriter(buffer);
        var named = new List<WireShape>();
        var commands = app.App.Commands;
        writer.WriteMapHeader(3);
        writer.Write("protocol");
        writer.Write(1);
        writer.Write("commands");
        writer.WriteArrayHeader(commands.Length);
        foreach (var handler in commands)
        {
            var parameters = WireParameters(handler);
            writer.WriteMapHeader(7);
            writer.Write("name");
            writer.Write(handler.Name.ToUpperInvariant());
            writer.Write("description");
            writer.Write(handler.Description);
            writer.Write("parameters");
            writer.WriteArrayHeader(parameters.Length);
            foreach (var parameter in parameters)
            {
                writer.WriteMapHeader(2);
                writer.Write("name");
                writer.Write(parameter.Name);
                writer.Write("type");
                writer.Write(WireTypeNames.Of(parameter.Type));
                WireShape.Of(parameter.Type).CollectNamed(named);
            }
            writer.Write("result");
            writer.Write(ResultName(handler));
            WireShape.Of(StreamShape.ReplyType(handler.ResultType)).CollectNamed(named);
            writer.Write("auth");
            writer.Write(handler.RequiresAuth);
            writer.Write("stream");
            writer.Write(handler.StreamItemType is not null);
            writer.Write("idempotent");
            writer.Write(handler.IsIdempotent);
        }
        var types = named.DistinctBy(shape => shape.Name).ToArray();
        writer.Write("types");
        writer.WriteMapHeader(types.Length);
        foreach (var shape in types)
        {
            writer.Write(shape.Name);
            WriteType(ref writer, shape);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteType(ref MessagePackWriter writer, WireShape shape)
    {
        writer.WriteMapHeader(2);
        writer.Write("kind");
        switch (shape.Kind)
        {
            case WireKind.Record:
                writer.Write("record");
                writer.Write("fields");
                WriteFields(ref writer, shape.Fields);
                break;
            case WireKind.Union:
                writer.Write("union");
                writer.Write("cases");
                writer.WriteArrayHeader(shape.Cases.Count);
                foreach (var unionCase in shape.Cases)
                {
                    writer.WriteMapHeader(3);
                    writer.Write("tag");
                    writer.Write(unionCase.Tag);
                    writer.Write("name");
                    writer.Write(unionCase.Name);
                    writer.Write("fields");
                    WriteFields(ref writer, unionCase.Fields);
                }
                break;
            default:
                writer.Write("enum");
                writer.Write("members");
                writer.WriteMapHeader(shape.Members.Count);
                foreach (var (name, value) in shape.Members)
                {
                    writer.Write(name);
                    writer.Write(value);
                }
                break;
        }
    }

    private static void WriteFields(ref MessagePackWriter writer, IReadOnlyList<WireField> fields)
    {
        writer.WriteArrayHeader(fields.Count);
        foreach (var field in fields)
        {
            writer.WriteMapHeader(3);
            writer.Write("name");
            writer.Write(field.Name);
            writer.Write("type");
            writer.Write(field.Shape.Name);
            writer.Write("required");
            writer.Write(field.Required);
        }
    }
}
