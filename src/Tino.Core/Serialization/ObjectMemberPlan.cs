using System.Reflection;

namespace Tino.Serialization;

/// <summary>How the object formatter treats one public property or field, decided once when the formatter is built.</summary>
/// <param name="Member">The property or field.</param>
/// <param name="Type">Its type.</param>
/// <param name="WireName">The map key: the member's name, or as renamed by <c>[DataMember(Name = ...)]</c> or <c>[Key("...")]</c>.</param>
/// <param name="CanSet">Whether it has a public setter (including <c>init</c>) or is a writable field.</param>
/// <param name="Parameter">The constructor parameter it fills, if any.</param>
/// <param name="Required">Whether input without it is an error.</param>
/// <param name="RejectNil">Whether nil is an error for it (a reference type not annotated nullable).</param>
/// <param name="Slot">Its slot in the decoding state, or -1 when it is never decoded (read-only and not a constructor parameter).</param>
internal sealed record ObjectMemberPlan(
    MemberInfo Member,
    Type Type,
    string WireName,
    bool CanSet,
    ParameterInfo? Parameter,
    bool Required,
    bool RejectNil,
    int Slot)
{
    /// <summary>Whether it is decoded: a constructor parameter or settable.</summary>
    public bool IsDecoded => Slot >= 0;

    /// <summary>Whether it is set after construction rather than passed to the constructor.</summary>
    public bool IsAssigned => IsDecoded && Parameter is null;
}
