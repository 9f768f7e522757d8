namespace Tino.Serialization;

/// <summary>One case of a union: its tag on the wire, its name, and its fields (a map of them follows the tag).</summary>
internal sealed record WireCase(int Tag, string Name, IReadOnlyList<WireField> Fields);
