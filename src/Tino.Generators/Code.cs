using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Tino.Generators;

/// <summary>How generated code spells names and values.</summary>
internal static class Code
{
    /// <summary>A type as generated code names it: fully qualified, without nullable annotations on reference types.</summary>
    public static string TypeName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    /// <summary>A member name usable as an identifier, escaped when it is a keyword.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A string literal.</summary>
    public static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    /// <summary>A constant (a parameter's default value) as an expression of <paramref name="type"/>.</summary>
    public static string Constant(object value, ITypeSymbol type) =>
        $"({TypeName(type)})({SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false)})";

    /// <summary>"true" or "false".</summary>
    public static string Bool(bool value) => value ? "true" : "false";
}
