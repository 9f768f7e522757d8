using System.Text;

namespace Tino.Cli.Generate;

/// <summary>
/// Writes a Python module from a server's schema: a dataclass per record, a base class and a dataclass per case for each
/// union, an <c>IntEnum</c> per enum, and a <c>Client</c> (and an asyncio <c>AsyncClient</c>) with one method per command,
/// on redis-py and msgpack alone.
/// </summary>
internal static class PythonClient
{
    /// <summary>The source of the module.</summary>
    /// <param name="schema">What the server serves.</param>
    /// <param name="source">Where the schema came from, for the header.</param>
    /// <param name="hash">The schema's SHA-256, for the header and <c>SCHEMA_SHA256</c>.</param>
    public static string Write(ServerSchema schema, string source, string hash)
    {
        var names = new PythonNames(schema);
        var code = new StringBuilder();
        code.Append(RuntimeFiles.Header("runtime.py", source, hash));
        foreach (var type in schema.Types)
        {
            WriteType(code, type, names);
        }
        code.Append("\n\n").Append(RuntimeFiles.Read("client.py"));
        foreach (var command in schema.Commands)
        {
            WriteMethod(code, command, schema, names, isAsync: false);
        }
        code.Append("\n\n").Append(RuntimeFiles.Read("async_client.py"));
        foreach (var command in schema.Commands)
        {
            WriteMethod(code, command, schema, names, isAsync: true);
        }
        return code.ToString();
    }

    private static void WriteType(StringBuilder code, NamedType type, PythonNames names)
    {
        var name = names.Of(type.Name);
        switch (type.Kind)
        {
            case TypeKind.Record:
                WriteDataclass(code, name, null, type.Fields, names);
                code.Append($"\n\ndef _enc_{name}(v: {name}) -> Dict[str, Any]:\n    return {EncodeFields(type.Fields, names)}\n");
                code.Append($"\n\ndef _dec_{name}(v: Any) -> {name}:\n    return {name}({DecodeFields(type.Fields, names)})\n");
                break;
            case TypeKind.Union:
                code.Append($"\n\nclass {name}:\n    \"\"\"{type.Name}: one of {string.Join(", ", type.Cases.Select(c => names.Case(type, c)))}.\"\"\"\n");
                foreach (var unionCase in type.Cases)
                {
                    WriteDataclass(code, names.Case(type, unionCase), name, unionCase.Fields, names);
                }
                code.Append($"\n\ndef _enc_{name}(v: {name}) -> List[Any]:\n");
                foreach (var unionCase in type.Cases)
                {
                    code.Append($"    if isinstance(v, {names.Case(type, unionCase)}):\n        return [{unionCase.Tag}, {EncodeFields(unionCase.Fields, names)}]\n");
                }
                code.Append($"    raise TypeError(f\"not a {name}: {{v!r}}\")\n");
                code.Append($"\n\ndef _dec_{name}(v: Any) -> {name}:\n    tag, v = v\n");
                foreach (var unionCase in type.Cases)
                {
                    code.Append($"    if tag == {unionCase.Tag}:\n        return {names.Case(type, unionCase)}({DecodeFields(unionCase.Fields, names)})\n");
                }
                code.Append($"    raise TinoError(\"INVALID_REPLY\", f\"{name} has no case {{tag}}\")\n");
                break;
            default:
                code.Append($"\n\nclass {name}(enum.IntEnum):\n");
                foreach (var (member, value) in type.Members)
                {
                    code.Append($"    {PythonNames.Identifier(member)} = {value}\n");
                }
                code.Append($"\n\ndef _enc_{name}(v: {name}) -> int:\n    return int(v)\n");
                code.Append($"\n\ndef _dec_{name}(v: Any) -> {name}:\n    return {name}(v)\n");
                break;
        }
    }

    /// <summary>A dataclass: required fields first, then the optional ones, which default to None.</summary>
    private static void WriteDataclass(StringBuilder code, string name, string? baseName, IReadOnlyList<FieldSchema> fields, PythonNames names)
    {
        code.Append($"\n\n@dataclass\nclass {name}{(baseName is null ? "" : $"({baseName})")}:\n");
        if (fields.Count == 0)
        {
            code.Append("    pass\n");
        }
        foreach (var field in fields.OrderBy(f => f.Required ? 0 : 1))
        {
            var hint = names.Hint(field.Required ? field.Type : Optionally(field.Type));
            code.Append($"    {PythonNames.Identifier(field.Name)}: {hint}{(field.Required ? "" : " = None")}\n");
        }
    }

    private static WireType Optionally(WireType type) => type is Optional ? type : new Optional(type);

    private static string EncodeFields(IReadOnlyList<FieldSchema> fields, PythonNames names) =>
        "{" + string.Join(", ", fields.Select(f => $"\"{f.Name}\": {Encode(f.Required ? f.Type : Optionally(f.Type), $"v.{PythonNames.Identifier(f.Name)}", names, 0)}")) + "}";

    private static string DecodeFields(IReadOnlyList<FieldSchema> fields, PythonNames names) =>
        string.Join(", ", fields.Select(f => f.Required
            ? $"{PythonNames.Identifier(f.Name)}={Decode(f.Type, $"v[\"{f.Name}\"]", names, 0)}"
            : $"{PythonNames.Identifier(f.Name)}={Decode(Optionally(f.Type), $"v.get(\"{f.Name}\")", names, 0)}"));

    /// <summary>One method of <c>Client</c>, or, <paramref name="isAsync"/>, of <c>AsyncClient</c>.</summary>
    private static void WriteMethod(StringBuilder code, CommandSchema command, ServerSchema schema, PythonNames names, bool isAsync)
    {
        var method = PythonNames.Identifier(command.Name.ToLowerInvariant());
        var parameters = string.Concat(command.Parameters.Select(p => $", {PythonNames.Identifier(p.Name)}: {names.Hint(p.Type)}"));
        var arguments = string.Concat(command.Parameters.Select(p => $", {Packer(p.Type, schema)}({Encode(p.Type, PythonNames.Identifier(p.Name), names, 0)})"));
        var result = command.Result;
        var returns = command.Stream ? $"{(isAsync ? "AsyncIterator" : "Iterator")}[{names.Hint(result)}]" : names.Hint(result);
        var signature = $"{command.Name}({string.Join(", ", command.Parameters.Select(p => $"{p.Name}: {p.Type.Spelling}"))}) -> {result.Spelling}";
        var doc = (command.Description is { } description ? $"{description} " : "")
            + $"`{signature}`{(command.Stream ? ", a stream: read with ITER and NEXT; leaving the loop early sends CLOSE" : "")}"
            + (command.Auth ? "; needs AUTH." : ".");
        var call = $"{(isAsync ? "await " : "")}self._call(\"{command.Name}\"{arguments})";
        code.Append($"\n    {(isAsync && !command.Stream ? "async " : "")}def {method}(self{parameters}) -> {returns}:\n");
        code.Append($"        \"\"\"{doc.Replace("\"\"\"", "'''")}\"\"\"\n");
        if (command.Stream)
        {
            code.Append($"        return self._stream(\"{command.Name}\", {Decoder(result, names, 0)}{arguments})\n");
        }
        else if (result is Primitive { Name: "nil" })
        {
            code.Append($"        {call}\n");
        }
        else
        {
            code.Append($"        return {Decode(result, call, names, 0)}\n");
        }
    }

    /// <summary>
    /// The function that packs an argument: <c>_pack_floats</c> when it can hold a float, which it writes in the smallest
    /// form that holds it exactly as .NET does (msgpack writes every float as float 64), else msgpack's own <c>_pack</c>.
    /// </summary>
    private static string Packer(WireType type, ServerSchema schema) =>
        schema.Reaches(type, p => p.Name is "float32" or "float64" or "any") ? "_pack_floats" : "_pack";

    /// <summary>A Python expression that makes <paramref name="value"/> (of <paramref name="type"/>) ready for msgpack.</summary>
    private static string Encode(WireType type, string value, PythonNames names, int depth) => type switch
    {
        Primitive { Name: "float32" } => $"_single({value})",
        Primitive { Name: "float64" } => $"float({value})",
        Primitive { Name: "char" } => $"ord({value})",
        Primitive { Name: "decimal" or "uuid" } => $"str({value})",
        Primitive { Name: "timespan" } => $"round({value}.total_seconds() * 10_000_000)",
        Primitive { Name: "bin" } => $"bytes({value})",
        Primitive => value,
        Optional optional when Encode(optional.Inner, value, names, depth) == value => value,
        Optional optional => $"(None if {value} is None else {Encode(optional.Inner, value, names, depth)})",
        ArrayType array when Encode(array.Item, "x", names, depth + 1) == "x" => value,
        ArrayType array => $"[{Encode(array.Item, $"x{depth}", names, depth + 1)} for x{depth} in {value}]",
        MapType map => $"{{{Encode(map.Key, $"k{depth}", names, depth + 1)}: {Encode(map.Value, $"x{depth}", names, depth + 1)} for k{depth}, x{depth} in {value}.items()}}",
        TupleType tuple => "[" + string.Join(", ", tuple.Items.Select((item, i) => Encode(item, $"{value}[{i}]", names, depth))) + "]",
        Named named => $"_enc_{names.Of(named.Name)}({value})",
        _ => value,
    };

    /// <summary>A function that decodes <paramref name="type"/>: <c>_dec_Note</c> itself, or a lambda.</summary>
    private static string Decoder(WireType type, PythonNames names, int depth) =>
        type is Named named ? $"_dec_{names.Of(named.Name)}" : $"lambda x{depth}: {Decode(type, $"x{depth}", names, depth + 1)}";

    /// <summary>A Python expression that makes the msgpack value <paramref name="value"/> into <paramref name="type"/>.</summary>
    private static string Decode(WireType type, string value, PythonNames names, int depth) => type switch
    {
        Primitive { Name: "float32" or "float64" } => $"float({value})",
        Primitive { Name: "char" } => $"chr({value})",
        Primitive { Name: "decimal" } => $"decimal.Decimal({value})",
        Primitive { Name: "uuid" } => $"uuid.UUID({value})",
        Primitive { Name: "timespan" } => $"datetime.timedelta(microseconds={value} / 10)",
        Primitive => value,
        Optional optional when Decode(optional.Inner, "x", names, depth) == "x" => value,
        Optional optional => $"_optional({value}, {Decoder(optional.Inner, names, depth + 1)})",
        ArrayType array when Decode(array.Item, "x", names, depth + 1) == "x" => value,
        ArrayType array => $"[{Decode(array.Item, $"x{depth}", names, depth + 1)} for x{depth} in {value}]",
        MapType map => $"{{{Decode(map.Key, $"k{depth}", names, depth + 1)}: {Decode(map.Value, $"x{depth}", names, depth + 1)} for k{depth}, x{depth} in {value}.items()}}",
        TupleType tuple => $"(lambda t{depth}: (" + string.Concat(tuple.Items.Select((item, i) => Decode(item, $"t{depth}[{i}]", names, depth + 1) + ", ")) + $"))({value})",
        Named named => $"_dec_{names.Of(named.Name)}({value})",
        _ => value,
    };



}
