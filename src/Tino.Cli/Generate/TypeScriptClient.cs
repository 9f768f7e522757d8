using System.Text;

namespace Tino.Cli.Generate;

/// <summary>
/// Writes a TypeScript module from a server's schema: an interface per record, a discriminated union
/// (<c>{kind: "Circle", radius}</c>) per union, an enum per enum, and a <c>Client</c> with one async method per command
/// (camelCase), on ioredis and @msgpack/msgpack. It compiles with <c>tsc --strict</c>.
/// </summary>
internal static class TypeScriptClient
{
    private static readonly HashSet<string> s_reserved =
    [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
        "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
        "let", "static", "implements", "interface", "package", "private", "protected", "public", "await",
    ];

    /// <summary>The client's own members, which a command's method must not hide (a reserved word is a fine method name).</summary>
    private static readonly HashSet<string> s_members = ["close", "subscribe", "psubscribe", "connect", "redis", "raw", "call", "stream", "listen", "constructor"];

    /// <summary>The source of the module.</summary>
    public static string Write(ServerSchema schema, string source, string hash)
    {
        var code = new StringBuilder(RuntimeFiles.Header("runtime.ts", source, hash));
        foreach (var type in schema.Types)
        {
            WriteType(code, type);
        }
        code.Append('\n').Append(RuntimeFiles.Read("client.ts"));
        foreach (var command in schema.Commands)
        {
            WriteMethod(code, command);
        }
        code.Append("}\n");
        return code.ToString();
    }

    private static string Name(string typeName) => Identifiers.Clean(typeName);

    private static string Identifier(string name)
    {
        var clean = Identifiers.Clean(name);
        return s_reserved.Contains(clean) ? clean + "_" : clean;
    }

    private static void WriteType(StringBuilder code, NamedType type)
    {
        var name = Name(type.Name);
        switch (type.Kind)
        {
            case TypeKind.Record:
                code.Append($"\nexport interface {name} {{\n{Members(type.Fields, "    ")}}}\n");
                code.Append($"\nfunction enc{name}(w: Writer, v: {name}): Writer {{\n    return {EncodeFields(type.Fields, "    ")};\n}}\n");
                code.Append($"\nfunction dec{name}(value: unknown): {name} {{\n    const v = value as Record<string, unknown>;\n    return {DecodeFields(type.Fields, null)};\n}}\n");
                break;
            case TypeKind.Union:
                code.Append($"\nexport type {name} =\n");
                code.Append(string.Join("\n", type.Cases.Select(c => $"    | {{ kind: \"{c.Name}\"{string.Concat(c.Fields.Select(f => $"; {Field(f)}"))} }}")) + ";\n");
                code.Append($"\nfunction enc{name}(w: Writer, v: {name}): Writer {{\n    switch (v.kind) {{\n");
                foreach (var unionCase in type.Cases)
                {
                    code.Append($"        case \"{unionCase.Name}\":\n            w.arrayHeader(2).int({unionCase.Tag});\n            return {EncodeFields(unionCase.Fields, "            ")};\n");
                }
                code.Append("    }\n}\n");
                code.Append($"\nfunction dec{name}(value: unknown): {name} {{\n    const [tag, v] = value as [number, Record<string, unknown>];\n    switch (tag) {{\n");
                foreach (var unionCase in type.Cases)
                {
                    code.Append($"        case {unionCase.Tag}:\n            return {DecodeFields(unionCase.Fields, unionCase.Name)};\n");
                }
                code.Append($"    }}\n    throw new TinoError(\"INVALID_REPLY\", `{name} has no case ${{tag}}`);\n}}\n");
                break;
            default:
                code.Append($"\nexport enum {name} {{\n{string.Concat(type.Members.Select(m => $"    {Identifiers.Clean(m.Name)} = {m.Value},\n"))}}}\n");
                code.Append($"\nfunction enc{name}(w: Writer, v: {name}): Writer {{\n    return w.int(v);\n}}\n");
                code.Append($"\nfunction dec{name}(value: unknown): {name} {{\n    return value as {name};\n}}\n");
                break;
        }
    }

    private static string Field(FieldSchema field) =>
        field.Required ? $"{field.Name}: {Hint(field.Type)}" : $"{field.Name}?: {Hint(field.Type is Optional o ? o.Inner : field.Type)} | null";

    private static string Members(IReadOnlyList<FieldSchema> fields, string indent) =>
        string.Concat(fields.Select(f => $"{indent}{Field(f)};\n"));

    /// <summary>A map of the fields, keyed by name: <c>w.mapHeader(2), w.str("id"), w.int(v.id), ...</c> as one expression.</summary>
    /// <param name="fields">The fields.</param>
    /// <param name="indent">The indent of the line the expression starts on; a line per field follows, indented once more.</param>
    private static string EncodeFields(IReadOnlyList<FieldSchema> fields, string indent) =>
        $"(w.mapHeader({fields.Count})" + string.Concat(fields.Select(f =>
            $",\n{indent}    w.str(\"{f.Name}\"), {Encode(f.Required ? f.Type : Optionally(f.Type), $"v.{f.Name}", 0)}")) + ")";

    private static string DecodeFields(IReadOnlyList<FieldSchema> fields, string? kind) =>
        "{ " + string.Join(", ", (kind is null ? [] : new[] { $"kind: \"{kind}\"" })
            .Concat(fields.Select(f => $"{f.Name}: {Decode(f.Required ? f.Type : Optionally(f.Type), $"v[\"{f.Name}\"]", 0)}"))) + " }";

    private static WireType Optionally(WireType type) => type is Optional ? type : new Optional(type);

    private static void WriteMethod(StringBuilder code, CommandSchema command)
    {
        var camel = Identifiers.CamelCase(command.Name);
        var method = s_members.Contains(camel) ? camel + "_" : camel;
        var parameters = string.Join(", ", command.Parameters.Select(p => $"{Identifier(p.Name)}: {Hint(p.Type)}"));
        var list = string.Concat(command.Parameters.Select(p => $", (w) => {Encode(p.Type, Identifier(p.Name), 0)}"));
        var result = command.Result;
        var signature = $"{command.Name}({string.Join(", ", command.Parameters.Select(p => $"{p.Name}: {p.Type.Spelling}"))}) -> {result.Spelling}";
        var doc = (command.Description is { } description ? $"{description} " : "") + $"`{signature}`"
            + (command.Stream ? ", a stream: read with ITER and NEXT; leaving the loop early sends CLOSE" : "")
            + (command.Auth ? "; needs AUTH." : ".");
        code.Append($"\n    /** {doc.Replace("*/", "* /")} */\n");
        if (command.Stream)
        {
            code.Append($"    {method}({parameters}): AsyncGenerator<{Hint(result)}> {{\n");
            code.Append($"        return this.stream(\"{command.Name}\", {Decoder(result, 0)}{list});\n    }}\n");
        }
        else if (result is Primitive { Name: "nil" })
        {
            code.Append($"    async {method}({parameters}): Promise<void> {{\n        await this.call(\"{command.Name}\"{list});\n    }}\n");
        }
        else
        {
            code.Append($"    async {method}({parameters}): Promise<{Hint(result)}> {{\n");
            code.Append($"        return {Decode(result, $"await this.call(\"{command.Name}\"{list})", 0)};\n    }}\n");
        }
    }

    /// <summary>The TypeScript type of a wire type.</summary>
    private static string Hint(WireType type) => type switch
    {
        Primitive { Name: "bool" } => "boolean",
        Primitive { Name: "string" or "char" or "decimal" or "uuid" } => "string",
        Primitive { Name: "timestamp" } => "Date",
        Primitive { Name: "bin" } => "Uint8Array",
        Primitive { Name: "nil" } => "null",
        Primitive { Name: "any" } => "unknown",
        Primitive => "number",
        Optional optional => $"{Hint(optional.Inner)} | null",
        ArrayType array => array.Item is Optional ? $"Array<{Hint(array.Item)}>" : $"{Hint(array.Item)}[]",
        MapType map => $"Map<{Hint(map.Key)}, {Hint(map.Value)}>",
        TupleType tuple => $"[{string.Join(", ", tuple.Items.Select(Hint))}]",
        Named named => Name(named.Name),
        _ => "unknown",
    };

    /// <summary>An expression that writes <paramref name="value"/> of <paramref name="type"/> to the writer <c>w</c>.</summary>
    private static string Encode(WireType type, string value, int depth) => type switch
    {
        Primitive { Name: "int8" or "uint8" or "int16" or "uint16" or "int32" or "uint32" or "int64" or "uint64" or "timespan" } => $"w.int({value})",
        Primitive { Name: "float32" } => $"w.float32({value})",
        Primitive { Name: "float64" } => $"w.float64({value})",
        Primitive { Name: "bool" } => $"w.bool({value})",
        Primitive { Name: "string" or "decimal" or "uuid" } => $"w.str({value})",
        Primitive { Name: "char" } => $"w.int({value}.charCodeAt(0))",
        Primitive { Name: "timestamp" } => $"w.timestamp({value})",
        Primitive { Name: "bin" } => $"w.bin({value})",
        Primitive { Name: "nil" } => "w.nil()",
        Primitive => $"w.any({value})",
        Optional optional => $"w.optional({value}, (w, x{depth}) => {Encode(optional.Inner, $"x{depth}", depth + 1)})",
        ArrayType array => $"w.array({value}, (w, x{depth}) => {Encode(array.Item, $"x{depth}", depth + 1)})",
        MapType map => $"w.map({value}, (w, k{depth}) => {Encode(map.Key, $"k{depth}", depth + 1)}, (w, x{depth}) => {Encode(map.Value, $"x{depth}", depth + 1)})",
        TupleType tuple => $"(w.arrayHeader({tuple.Items.Count})" + string.Concat(tuple.Items.Select((item, i) => $", {Encode(item, $"{value}[{i}]", depth)}")) + ")",
        Named named => $"enc{Name(named.Name)}(w, {value})",
        _ => $"w.any({value})",
    };

    /// <summary>A function that decodes <paramref name="type"/>: <c>decNote</c> itself, or an arrow function.</summary>
    private static string Decoder(WireType type, int depth) =>
        type is Named named ? $"dec{Name(named.Name)}" : $"(x{depth}) => {Decode(type, $"x{depth}", depth + 1)}";

    /// <summary>An expression that makes the msgpack value <paramref name="value"/> into <paramref name="type"/>.</summary>
    private static string Decode(WireType type, string value, int depth) => type switch
    {
        Primitive { Name: "char" } => $"String.fromCharCode({value} as number)",
        Primitive { Name: "any" } => value,
        Primitive => $"{value} as {Hint(type)}",
        Optional optional => $"optional({value}, {Decoder(optional.Inner, depth)})",
        ArrayType array => $"({value} as unknown[]).map({Decoder(array.Item, depth)})",
        MapType map => $"new Map([...asMap({value})].map(([k{depth}, x{depth}]) => [{DecodeKey(map.Key, $"k{depth}", depth + 1)}, {Decode(map.Value, $"x{depth}", depth + 1)}]))",
        TupleType tuple => $"((t{depth}: unknown[]) => [" + string.Join(", ", tuple.Items.Select((item, i) => Decode(item, $"t{depth}[{i}]", depth + 1))) + $"] as {Hint(type)})({value} as unknown[])",
        Named named => $"dec{Name(named.Name)}({value})",
        _ => value,
    };

    /// <summary>A map's key: a number key comes back from @msgpack/msgpack as an object's property name, a string.</summary>
    private static string DecodeKey(WireType type, string value, int depth) =>
        Hint(type) == "number" ? $"Number({value})" : Decode(type, value, depth);


}
