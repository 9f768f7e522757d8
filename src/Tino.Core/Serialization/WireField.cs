namespace Tino.Serialization;

/// <summary>One member of a record or of a union case: its wire name, its shape, and whether input must have it.</summary>
internal sealed record WireField(string Name, WireShape Shape, bool Required);
