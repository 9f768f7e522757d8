namespace Tino.Cli.Generate;

/// <summary>Names of the schema made into identifiers any of the generated languages accepts.</summary>
internal static class Identifiers
{
    /// <summary>Letters, digits and underscores only (a generic type's brackets and commas become underscores), not starting with a digit.</summary>
    public static string Clean(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var clean = new string(chars).TrimEnd('_');
        return clean.Length == 0 || char.IsDigit(clean[0]) ? "_" + clean : clean;
    }

    /// <summary><c>SHAPE_NAME</c> or <c>shape_name</c> as <c>shapeName</c>.</summary>
    public static string CamelCase(string name)
    {
        var parts = Clean(name).ToLowerInvariant().Split('_', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "_" : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
