namespace Tino.Cli.Generate;

/// <summary>
/// A wire type name of the schema read into a tree: <c>int32</c>, <c>Note?</c>, <c>array&lt;Note&gt;</c>,
/// <c>map&lt;string,int64&gt;</c>, <c>tuple&lt;int32,string&gt;</c>, or a named type (<c>Page&lt;Note&gt;</c> keeps its
/// whole name, as the schema's <c>types</c> does).
/// </summary>
internal abstract record WireType
{
    /// <summary>The name as the schema spells it.</summary>
    public string Spelling { get; private init; } = "";

    /// <summary>Reads a type name.</summary>
    /// <exception cref="InvalidDataException">The name is malformed.</exception>
    public static WireType Parse(string text)
    {
        var at = 0;
        var type = ParseAt(text, ref at) with { Spelling = text };
        return at == text.Length ? type : throw new InvalidDataException($"unexpected '{text[at..]}' in type '{text}'");
    }

    private static WireType ParseAt(string text, ref int at)
    {
        var start = at;
        while (at < text.Length && text[at] is not ('<' or '>' or ',' or '?'))
        {
            at++;
        }
        var head = text[start..at].Trim();
        if (head.Length == 0)
        {
            throw new InvalidDataException($"a type name is missing in '{text}'");
        }
        List<WireType> arguments = [];
        if (at < text.Length && text[at] == '<')
        {
            do
            {
                at++;
                arguments.Add(ParseAt(text, ref at));
            }
            while (at < text.Length && text[at] == ',');
            if (at >= text.Length || text[at] != '>')
            {
                throw new InvalidDataException($"'>' expected in type '{text}'");
            }
            at++;
        }
        WireType type = head switch
        {
            "array" when arguments.Count == 1 => new ArrayType(arguments[0]),
            "map" when arguments.Count == 2 => new MapType(arguments[0], arguments[1]),
            "tuple" => new TupleType(arguments),
            _ when arguments.Count == 0 && Primitive.Names.Contains(head) => new Primitive(head),
            _ => new Named(text[start..at]),
        };
        while (at < text.Length && text[at] == '?')
        {
            at++;
            type = new Optional(type);
        }
        return type;
    }
}

/// <summary>A number, bool, string, bin, timestamp and the like, or <c>any</c> and <c>nil</c>.</summary>
internal sealed record Primitive(string Name) : WireType
{
    public static readonly HashSet<string> Names =
    [
        "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "bool", "string",
        "char", "decimal", "uuid", "timestamp", "timespan", "bin", "any", "nil",
    ];
}

/// <summary><c>T?</c>: the value or nil.</summary>
internal sealed record Optional(WireType Inner) : WireType;

/// <summary><c>array&lt;T&gt;</c>.</summary>
internal sealed record ArrayType(WireType Item) : WireType;

/// <summary><c>map&lt;K,V&gt;</c>.</summary>
internal sealed record MapType(WireType Key, WireType Value) : WireType;

/// <summary><c>tuple&lt;T1,T2,...&gt;</c>: a MessagePack array of the items.</summary>
internal sealed record TupleType(IReadOnlyList<WireType> Items) : WireType;

/// <summary>A record, union or enum described under the schema's <c>types</c>.</summary>
internal sealed record Named(string Name) : WireType;
