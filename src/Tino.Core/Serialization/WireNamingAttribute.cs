using System.Text.Json;

namespace Tino.Serialization;

/// <summary>
/// Chooses how the map keys of a record's or class's members are spelled on the wire. Without it, members are in
/// snake case (<c>CreatedAt</c> is <c>created_at</c>), in both fronts; <c>[WireNaming(WireNaming.AsDeclared)]</c> keeps the
/// names as declared. On a type it applies to that type and the types derived from it (a union's cases,
/// say); on an assembly, to every type declared there that carries none of its own. A member's own
/// <c>[DataMember(Name = ...)]</c> or <c>[Key("...")]</c> still wins.
/// </summary>
/// <example><code>
/// public sealed record Note(int Id, string Text, bool Completed);         // {"id": 1, "text": "...", "completed": false}
/// [WireNaming(WireNaming.AsDeclared)]
/// public sealed record LegacyNote(int Id, string Text, bool Completed);   // {"Id": 1, "Text": "...", "Completed": false}
/// </code></example>
/// <param name="naming">The policy for members that no attribute renames.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Assembly, Inherited = true)]
public sealed class WireNamingAttribute(WireNaming naming) : Attribute
{
    /// <summary>The policy for members that no attribute renames.</summary>
    public WireNaming Naming { get; } = naming;

    /// <summary>
    /// The map key that a member called <paramref name="memberName"/> of <paramref name="type"/> takes on the wire when no
    /// attribute of its own renames it: the policy that the type (or a type it derives from) or its assembly declares, and
    /// snake case when neither declares one, so that <c>CreatedAt</c> and F#'s <c>createdAt</c> are both <c>created_at</c>,
    /// whichever front built the service.
    /// </summary>
    public static string WireNameOf(Type type, string memberName)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(memberName);
        var declared = Attribute.GetCustomAttribute(type, typeof(WireNamingAttribute), inherit: true)
            ?? Attribute.GetCustomAttribute(type.Assembly, typeof(WireNamingAttribute));
        return (declared is WireNamingAttribute attribute ? attribute.Naming : WireNaming.SnakeCase) switch
        {
            WireNaming.CamelCase => JsonNamingPolicy.CamelCase.ConvertName(memberName),
            WireNaming.SnakeCase => JsonNamingPolicy.SnakeCaseLower.ConvertName(memberName),
            _ => memberName,
        };
    }
}
