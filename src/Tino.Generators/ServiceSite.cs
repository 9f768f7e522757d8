using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tino.Generators;

/// <summary>One method of a service contract: its name, its <c>[CommandName]</c> if any, and its handler.</summary>
internal sealed record ServiceMethod(string Name, string? CommandName, HandlerShape Handler);

/// <summary>
/// One <c>TinoAppBuilder.MapService&lt;TContract&gt;(instance)</c> call whose contract the generator can bind: the
/// methods that <c>ServiceContract.Methods</c> would find by reflection (the interfaces the contract extends, then its
/// own, each in declaration order), each bound as a command handler is.
/// </summary>
internal sealed record ServiceSite(InterceptedCall Call, string Contract, EquatableArray<ServiceMethod> Methods)
{
    /// <summary>Whether a syntax node may be a <c>MapService&lt;T&gt;(instance)</c> call, before any semantic work.</summary>
    public static bool IsCandidate(SyntaxNode node) => InterceptedCall.IsGenericCall(node, "MapService", arguments: 1);

    /// <summary>The call's site, or null when it is another overload or its contract is one this generator leaves to reflection.</summary>
    public static ServiceSite? Read(GeneratorSyntaxContext context, CancellationToken cancellation) =>
        Read((InvocationExpressionSyntax)context.Node, context.SemanticModel, cancellation);

    /// <summary>The call's site, for the generator and for <see cref="InterceptedCallSuppressor"/>; null as above.</summary>
    public static ServiceSite? Read(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellation)
    {
        if (model.GetSymbolInfo(invocation, cancellation).Symbol is not IMethodSymbol { Name: "MapService", TypeArguments.Length: 1 } map
            || map.ContainingType.ToDisplayString() != "Tino.TinoAppBuilder"
            || map.OriginalDefinition.Parameters.Length != 1 || map.OriginalDefinition.Parameters[0].Type is not ITypeParameterSymbol
            || Contracts.Accessible(map.TypeArguments[0], model.Compilation) is not { } contract
            || Contracts.Methods(contract) is not { } declared)
        {
            return null;
        }
        var methods = new List<ServiceMethod>();
        foreach (var (_, method) in declared)
        {
            if (HandlerShape.Of(method, isFunction: false, converted: true, model.Compilation, cancellation) is not { } handler)
            {
                return null;
            }
            methods.Add(new ServiceMethod(method.Name, Contracts.CommandName(method), handler));
        }
        return InterceptedCall.Of(invocation, model, cancellation) is { } call
            ? new ServiceSite(call, Code.TypeName(contract), new EquatableArray<ServiceMethod>([.. methods]))
            : null;
    }
}
