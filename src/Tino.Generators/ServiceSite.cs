using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tino.Generators;

/// <summary>One method of a service contract: its name, its <c>[CommandName]</c> if any, and its handler.</summary>
internal sealed record ServiceMethod(string Name, string? CommandName, HandlerShape Handler);

/// <summary>What serves a mapped contract's calls.</summary>
internal enum ServiceMode
{
    /// <summary><c>MapService&lt;T&gt;(instance)</c>: one instance serves every call.</summary>
    Instance,
    /// <summary><c>MapService&lt;T&gt;(factory)</c>: a new instance per call, disposed after it.</summary>
    Factory,
    /// <summary><c>MapService&lt;T&gt;()</c>: the instance the container resolves in a fresh scope per call.</summary>
    Container,
}

/// <summary>
/// One <c>TinoAppBuilder.MapService</c> call whose contract the generator can bind: the methods that
/// <c>ServiceContract.Methods</c> would find by reflection (the interfaces the contract extends, then its own, each in
/// declaration order), each bound as a command handler is, and what serves them.
/// </summary>
internal sealed record ServiceSite(InterceptedCall Call, string Contract, ServiceMode Mode, EquatableArray<ServiceMethod> Methods)
{
    /// <summary>Whether a syntax node may be a <c>MapService</c> call (its type argument written or inferred), before any semantic work.</summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "MapService" }, ArgumentList.Arguments.Count: 0 or 1 };

    /// <summary>The call's site, or null when it is another overload or its contract is one this generator leaves to reflection.</summary>
    public static ServiceSite? Read(GeneratorSyntaxContext context, CancellationToken cancellation) =>
        Read((InvocationExpressionSyntax)context.Node, context.SemanticModel, cancellation);

    /// <summary>The call's site, for the generator and for <see cref="InterceptedCallSuppressor"/>; null as above.</summary>
    public static ServiceSite? Read(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellation)
    {
        if (model.GetSymbolInfo(invocation, cancellation).Symbol is not IMethodSymbol { Name: "MapService", TypeArguments.Length: 1 } map
            || map.ContainingType.ToDisplayString() != "Tino.TinoAppBuilder"
            || ModeOf(map.OriginalDefinition) is not { } mode
            || Contracts.Accessible(map.TypeArguments[0], model.Compilation) is not { } contract
            || Contracts.Methods(contract) is not { } declared)
        {
            return null;
        }
        var methods = new List<ServiceMethod>();
        foreach (var (_, method) in declared)
        {
            // A contract method's parameters all come from the call, as reflection reads them, never from the container.
            if (HandlerShape.Of(method, isFunction: false, converted: true, model.Compilation, cancellation) is not { TakesServices: false } handler)
            {
                return null;
            }
            methods.Add(new ServiceMethod(method.Name, Contracts.CommandName(method), handler));
        }
        return InterceptedCall.Of(invocation, model, cancellation) is { } call
            ? new ServiceSite(call, Code.TypeName(contract), mode, new EquatableArray<ServiceMethod>([.. methods]))
            : null;
    }

    /// <summary>Which overload of <c>MapService</c> a method is, by its parameter.</summary>
    private static ServiceMode? ModeOf(IMethodSymbol definition)
    {
        if (definition.Parameters.Length == 0)
        {
            return ServiceMode.Container;
        }
        return definition.Parameters.Length == 1
            ? definition.Parameters[0].Type switch
            {
                ITypeParameterSymbol => ServiceMode.Instance,
                INamedTypeSymbol { Name: "Func", TypeArguments.Length: 1 } func when func.TypeArguments[0] is ITypeParameterSymbol => ServiceMode.Factory,
                _ => null,
            }
            : null;
    }
}
