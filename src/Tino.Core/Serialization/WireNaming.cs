namespace Tino.Serialization;

/// <summary>How the object formatter spells the map keys of members that no attribute renames.</summary>
public enum WireNaming
{
    /// <summary>The member's name as declared: <c>CreatedAt</c>.</summary>
    AsDeclared,
    /// <summary>Lower camel case: <c>createdAt</c>.</summary>
    CamelCase,
    /// <summary>Lower snake case: <c>created_at</c>.</summary>
    SnakeCase,
}
