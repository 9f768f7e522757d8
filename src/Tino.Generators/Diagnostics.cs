using Microsoft.CodeAnalysis;

namespace Tino.Generators;

/// <summary>What the generator reports.</summary>
internal static class Diagnostics
{
    /// <summary>A handler's type that only reflection can format, reported when the project publishes as Native AOT.</summary>
    public static readonly DiagnosticDescriptor UnsupportedType = new(
        id: "TINO001",
        title: "Type has no formatter without reflection",
        messageFormat: "Tino cannot write a formatter for {0} at compile time: {1}. Under Native AOT this command fails when it meets the type.",
        category: "Tino.NativeAot",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);
}
