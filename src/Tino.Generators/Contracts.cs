using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Tino.Generators;

/// <summary>A service interface as both <c>MapService</c> and <c>CreateProxy</c> read it, the way <c>ServiceContract</c> reads it by reflection.</summary>
internal static class Contracts
{
    /// <summary><paramref name="type"/> as a contract: an interface that generated code in this assembly can name; else null.</summary>
    public static INamedTypeSymbol? Accessible(ITypeSymbol type, Compilation compilation) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Interface } contract && compilation.IsSymbolAccessibleWithin(contract, compilation.Assembly)
            ? contract
            : null;

    /// <summary>
    /// The methods of the interfaces <paramref name="contract"/> extends, then its own, each with the interface that
    /// declares it; null when one declares a property or an event, which reflection reports when the app is built.
    /// </summary>
    public static List<(INamedTypeSymbol Interface, IMethodSymbol Method)>? Methods(INamedTypeSymbol contract)
    {
        var methods = new List<(INamedTypeSymbol, IMethodSymbol)>();
        foreach (var type in contract.AllInterfaces.Append(contract))
        {
            if (type.GetMembers().Any(m => m is IPropertySymbol or IEventSymbol && !m.IsStatic))
            {
                return null;
            }
            methods.AddRange(type.GetMembers().OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary && !m.IsStatic).Select(m => (type, m)));
        }
        return methods;
    }

    /// <summary>The name a method's <c>[CommandName]</c> gives, if it has one.</summary>
    public static string? CommandName(IMethodSymbol method) =>
        method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "Tino.CommandNameAttribute")?.ConstructorArguments.FirstOrDefault().Value as string;
}
