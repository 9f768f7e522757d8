namespace Tino.Cli.Generate;

/// <summary>Python names for a schema's types, union cases and fields, and the type hints of wire types.</summary>
internal sealed class PythonNames
{
    private static readonly HashSet<string> s_reserved =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "self", "close",
    ];

    private readonly HashSet<string> _typeNames;

    public PythonNames(ServerSchema schema) =>
        _typeNames = schema.Types.Select(type => Clean(type.Name)).ToHashSet(StringComparer.Ordinal);

    /// <summary>A named type's class: its name, with a generic type's brackets and commas made underscores.</summary>
    public string Of(string typeName) => Clean(typeName);

    /// <summary>A union case's class: the case's name, or the union's and the case's when a type has the case's name.</summary>
    public string Case(NamedType union, UnionCase unionCase)
    {
        var name = Clean(unionCase.Name);
        return _typeNames.Contains(name) ? Clean(union.Name) + name : name;
    }

    /// <summary>A name usable as a Python identifier: a keyword (or a name the client uses) gets a trailing underscore.</summary>
    public static string Identifier(string name)
    {
        var clean = Clean(name);
        return s_reserved.Contains(clean) ? clean + "_" : clean;
    }

    /// <summary>The type hint of a wire type.</summary>
    public string Hint(WireType type) => type switch
    {
        Primitive { Name: "int8" or "uint8" or "int16" or "uint16" or "int32" or "uint32" or "int64" or "uint64" } => "int",
        Primitive { Name: "float32" or "float64" } => "float",
        Primitive { Name: "bool" } => "bool",
        Primitive { Name: "string" or "char" } => "str",
        Primitive { Name: "decimal" } => "decimal.Decimal",
        Primitive { Name: "uuid" } => "uuid.UUID",
        Primitive { Name: "timestamp" } => "datetime.datetime",
        Primitive { Name: "timespan" } => "datetime.timedelta",
        Primitive { Name: "bin" } => "bytes",
        Primitive { Name: "nil" } => "None",
        Primitive => "Any",
        Optional optional => $"Optional[{Hint(optional.Inner)}]",
        ArrayType array => $"List[{Hint(array.Item)}]",
        MapType map => $"Dict[{Hint(map.Key)}, {Hint(map.Value)}]",
        TupleType tuple => $"Tuple[{string.Join(", ", tuple.Items.Select(Hint))}]",
        Named named => Of(named.Name),
        _ => "Any",
    };

    private static string Clean(string name) => Identifiers.Clean(name);
}
