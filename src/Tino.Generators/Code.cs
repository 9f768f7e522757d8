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

    /// <summary>An attribute's argument (a keyed service's key) as an expression.</summary>
    public static string Argument(TypedConstant value) => value switch
    {
        { IsNull: true } => "null",
        { Kind: TypedConstantKind.Type, Value: ITypeSymbol type } => $"typeof({TypeName(type)})",
        { Kind: TypedConstantKind.Enum, Type: { } type, Value: { } number } => Constant(number, type),
        _ => value.ToCSharpString(),
    };

    /// <summary>"true" or "false".</summary>
    public static string Bool(bool value) => value ? "true" : "false";
}

/// <summary>The framework types generated code names.</summary>
internal static class Types
{
    public const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    public const string AsyncEnumerable = "global::System.Collections.Generic.IAsyncEnumerable";
    public const string Services = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
    public const string KeyedServices = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions";
}
