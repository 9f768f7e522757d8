using MessagePack;

namespace Tino.Cli.Generate;

/// <summary>A server's <c>TINO.SCHEMA</c> reply, read into records: its commands and the named types they use.</summary>
internal sealed record ServerSchema(IReadOnlyList<CommandSchema> Commands, IReadOnlyList<NamedType> Types)
{
    /// <summary>Reads the reply's MessagePack bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a schema.</exception>
    public static ServerSchema Read(ReadOnlyMemory<byte> bytes)
    {
        IDictionary<object, object?> root;
        try
        {
            root = MessagePackSerializer.Deserialize<IDictionary<object, object?>>(bytes);
        }
        catch (MessagePackSerializationException error)
        {
            throw new InvalidDataException("not a TINO.SCHEMA reply: " + error.Message, error);
        }
        var commands = Maps(root, "commands").Select(command => new CommandSchema(
            Text(command, "name"),
            Text(command, "description") is { Length: > 0 } description ? description : null,
            Maps(command, "parameters").Select(p => new FieldSchema(Text(p, "name"), WireType.Parse(Text(p, "type")), Required: true)).ToArray(),
            WireType.Parse(Text(command, "result")),
            Flag(command, "auth"),
            Flag(command, "stream"),
            Flag(command, "idempotent"))).ToArray();
        var types = (Map(root, "types") ?? new Dictionary<object, object?>())
            .Select(entry => ReadType(entry.Key.ToString() ?? "", entry.Value as IDictionary<object, object?> ?? new Dictionary<object, object?>()))
            .ToArray();
        return new ServerSchema(commands, types);
    }

    /// <summary>
    /// Whether a value of <paramref name="type"/> can hold a primitive that passes <paramref name="test"/>, itself or
    /// in an item, an entry or a field of a named type.
    /// </summary>
    public bool Reaches(WireType type, Func<Primitive, bool> test) => Reaches(type, test, []);

    private bool Reaches(WireType type, Func<Primitive, bool> test, HashSet<string> seen) => type switch
    {
        Primitive primitive => test(primitive),
        Optional optional => Reaches(optional.Inner, test, seen),
        ArrayType array => Reaches(array.Item, test, seen),
        MapType map => Reaches(map.Key, test, seen) || Reaches(map.Value, test, seen),
        TupleType tuple => tuple.Items.Any(item => Reaches(item, test, seen)),
        Named named => seen.Add(named.Name)
            && Types.FirstOrDefault(t => t.Name == named.Name) is { } described
            && described.Fields.Concat(described.Cases.SelectMany(c => c.Fields)).Any(f => Reaches(f.Type, test, seen)),
        _ => false,
    };

    private static NamedType ReadType(string name, IDictionary<object, object?> type) => Text(type, "kind") switch
    {
        "record" => new NamedType(name, TypeKind.Record, Fields(type), [], []),
        "union" => new NamedType(name, TypeKind.Union, [], Maps(type, "cases").Select(c => new UnionCase(Convert.ToInt32(c["tag"]), Text(c, "name"), Fields(c))).ToArray(), []),
        "enum" => new NamedType(name, TypeKind.Enum, [], [], (Map(type, "members") ?? new Dictionary<object, object?>()).Select(m => (m.Key.ToString() ?? "", Convert.ToInt64(m.Value))).ToArray()),
        var kind => throw new InvalidDataException($"type {name} is of an unknown kind '{kind}'"),
    };

    private static FieldSchema[] Fields(IDictionary<object, object?> owner) =>
        Maps(owner, "fields").Select(f => new FieldSchema(Text(f, "name"), WireType.Parse(Text(f, "type")), Flag(f, "required"))).ToArray();

    /// <summary>A string entry of a schema map, empty when missing or nil.</summary>
    private static string Text(IDictionary<object, object?> map, string key) => map.TryGetValue(key, out var value) ? value?.ToString() ?? "" : "";

    /// <summary>A bool entry of a schema map, false when missing.</summary>
    private static bool Flag(IDictionary<object, object?> map, string key) => map.TryGetValue(key, out var value) && value is true;

    /// <summary>The maps in an array entry of a schema map.</summary>
    private static IEnumerable<IDictionary<object, object?>> Maps(IDictionary<object, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is object?[] list ? list.OfType<IDictionary<object, object?>>() : [];

    /// <summary>A map entry of a schema map, or null.</summary>
    private static IDictionary<object, object?>? Map(IDictionary<object, object?> map, string key) =>
        map.TryGetValue(key, out var value) ? value as IDictionary<object, object?> : null;
}

/// <summary>One command: its wire name (upper case), parameters in order, result, and whether it needs auth or streams.</summary>
internal sealed record CommandSchema(string Name, string? Description, IReadOnlyList<FieldSchema> Parameters, WireType Result, bool Auth, bool Stream, bool Idempotent);

/// <summary>A parameter, or a field of a record or union case.</summary>
internal sealed record FieldSchema(string Name, WireType Type, bool Required);

internal enum TypeKind
{
    Record,
    Union,
    Enum,
}

/// <summary>A record, union or enum the commands use, described once.</summary>
internal sealed record NamedType(string Name, TypeKind Kind, IReadOnlyList<FieldSchema> Fields, IReadOnlyList<UnionCase> Cases, IReadOnlyList<(string Name, long Value)> Members);

/// <summary>One case of a union: its tag on the wire (<c>[tag, {fields}]</c>), its name and fields.</summary>
internal sealed record UnionCase(int Tag, string Name, IReadOnlyList<FieldSchema> Fields);
