using System.Text.Json;

namespace Tino.Serialization;

/// <summary>
/// Renames the map keys of a record's or class's members by a naming policy, so ordinary PascalCase C# members
/// reach lower-case wire names. On a type it applies to that type and the types derived from it (a union's cases,
/// say); on an assembly, to every type declared there that carries none of its own. A member's own
/// <c>[DataMember(Name = ...)]</c> or <c>[Key("...")]</c> still wins.
/// </summary>
/// <example><code>
/// [WireNaming(WireNaming.SnakeCase)]
/// public sealed record Note(int Id, string Text, bool Completed); // {"id": 1, "text": "...", "completed": false}
/// </code></example>
/// <param name="naming">The policy for members that no attribute renames.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Assembly, Inherited = true)]
public sealed class WireNamingAttribute(WireNaming naming) : Attribute
{
    /// <summary>The policy for members that no attribute renames.</summary>
    public WireNaming Naming { get; } = naming;

    /// <summary>The wire name of a member called <paramref name="name"/> in <paramref name="type"/>: renamed by the policy the type or its assembly declares.</summary>
    internal static string Apply(Type type, string name) =>
        (Attribute.GetCustomAttribute(type, typeof(WireNamingAttribute), inherit: true)
            ?? Attribute.GetCustomAttribute(type.Assembly, typeof(WireNamingAttribute))) is WireNamingAttribute { Naming: var naming }
            ? naming switch
            {
                WireNaming.CamelCase => JsonNamingPolicy.CamelCase.ConvertName(name),
                WireNaming.SnakeCase => JsonNamingPolicy.SnakeCaseLower.ConvertName(name),
                _ => name,
            }
            : name;
}
