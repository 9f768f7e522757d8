namespace Tino.Cli.Generate;

/// <summary>
/// The hand-written parts of the generated modules (the runtime helpers and the client classes' own members), kept as
/// the Python and TypeScript files in <c>Generate/Runtime/</c> and embedded in the tool.
/// </summary>
internal static class RuntimeFiles
{
    /// <summary>The text of one file of <c>Generate/Runtime/</c>.</summary>
    public static string Read(string name)
    {
        using var stream = typeof(RuntimeFiles).Assembly.GetManifestResourceStream("Tino.Cli.Generate.Runtime." + name)
            ?? throw new InvalidOperationException($"{name} is not embedded in the tool");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A runtime file's header filled in: where the schema came from and its hash.</summary>
    public static string Header(string name, string source, string hash) =>
        Read(name).Replace("{source}", source).Replace("{hash}", hash);
}
