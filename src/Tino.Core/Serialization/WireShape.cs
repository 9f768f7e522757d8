using System.Collections.Concurrent;

namespace Tino.Serialization;

/// <summary>
/// What a .NET type looks like on the wire (PROTOCOL.md 6b), as a tree: the schema built-in describes commands with it,
/// and JSON arguments are converted to MessagePack by it where JSON alone is ambiguous (base64 text for bin, a case
/// name for a union's tag, a decimal's digits). Built by reflection once per type and cached; recursive types refer
/// back to the same instance.
/// </summary>
internal sealed partial class WireShape
{
    private static readonly ConcurrentDictionary<Type, WireShape> s_shapes = new();
    private static readonly Lock s_building = new();

    private WireShape(WireKind kind, Type type)
    {
        Kind = kind;
        Type = type;
    }

    /// <summary>The kind of value.</summary>
    public WireKind Kind { get; }

    /// <summary>The .NET type described.</summary>
    public Type Type { get; }

    /// <summary>The wire type name, as a <c>VALIDATION_ERROR</c> names it (<see cref="WireTypeNames"/>).</summary>
    public string Name => WireTypeNames.Of(Type);

    /// <summary>An array's element, a map's value, or the shape inside <see cref="WireKind.Nullable"/>.</summary>
    public WireShape? Element { get; private set; }

    /// <summary>A map's key.</summary>
    public WireShape? Key { get; private set; }

    /// <summary>A tuple's positions.</summary>
    public IReadOnlyList<WireShape> Items { get; private set; } = [];

    /// <summary>A record's members, in wire order.</summary>
    public IReadOnlyList<WireField> Fields { get; private set; } = [];

    /// <summary>A union's cases, by tag.</summary>
    public IReadOnlyList<WireCase> Cases { get; private set; } = [];

    /// <summary>An enum's names and values.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Members { get; private set; } = [];

    /// <summary>Whether the schema describes this shape once, by name, in its table of types.</summary>
    public bool IsNamed => Kind is WireKind.Record or WireKind.Union or WireKind.Enum;

    /// <summary>The shape of <paramref name="type"/>.</summary>
    public static WireShape Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (s_shapes.TryGetValue(type, out var shape))
        {
            return shape;
        }
        lock (s_building)
        {
            var building = new Dictionary<Type, WireShape>();
            shape = Build(type, building);
            foreach (var (builtType, built) in building)
            {
                s_shapes.TryAdd(builtType, built);
            }
            return s_shapes.GetOrAdd(type, shape);
        }
    }

    /// <summary>Every named shape reachable from this one (itself included), each once, in the order first met.</summary>
    public void CollectNamed(List<WireShape> named)
    {
        if (IsNamed)
        {
            if (named.Contains(this))
            {
                return;
            }
            named.Add(this);
        }
        Element?.CollectNamed(named);
        Key?.CollectNamed(named);
        foreach (var item in Items)
        {
            item.CollectNamed(named);
        }
        foreach (var field in Fields.Concat(Cases.SelectMany(c => c.Fields)))
        {
            field.Shape.CollectNamed(named);
        }
    }
}
