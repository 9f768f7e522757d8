using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tino.Generators;

/// <summary>What a proxy method returns, and so which client call it makes.</summary>
internal enum ProxyResult
{
    Task,
    ValueTask,
    TaskOf,
    ValueTaskOf,
    Stream,
}

/// <summary>One parameter of a proxy method: sent as an argument, given to the call as its token, or neither (filled by the server).</summary>
internal sealed record ProxyParameter(string Name, string Type, bool IsSent, bool IsToken);

/// <summary>One method of a contract as its proxy implements it.</summary>
internal sealed record ProxyMethod(
    string Interface,
    string Name,
    string? CommandName,
    string ReturnType,
    ProxyResult Kind,
    string? ResultType,
    EquatableArray<ProxyParameter> Parameters);

/// <summary>
/// One <c>client.CreateProxy&lt;TContract&gt;()</c> call whose contract the generator can implement: every method of
/// the interfaces it extends and its own returns a task or an <c>IAsyncEnumerable&lt;T&gt;</c> and takes its arguments by
/// value, as <c>ClientProxyBuilder</c> requires at run time.
/// </summary>
internal sealed record ProxySite(
    InterceptedCall Call,
    string Contract,
    EquatableArray<ProxyMethod> Methods,
    EquatableArray<WireRegistration> Formatters,
    EquatableArray<UnsupportedType> Unsupported)
{
    /// <summary>Whether a syntax node may be a <c>CreateProxy&lt;T&gt;()</c> call, before any semantic work.</summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is InvocationExpressionSyntax
        {
            Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax { Identifier.ValueText: "CreateProxy", TypeArgumentList.Arguments.Count: 1 } },
            ArgumentList.Arguments.Count: 0,
        };

    /// <summary>The call's site, or null when its contract is one the reflection path must refuse or this generator leaves to it.</summary>
    public static ProxySite? Read(GeneratorSyntaxContext context, CancellationToken cancellation) =>
        Read((InvocationExpressionSyntax)context.Node, context.SemanticModel, cancellation);

    /// <summary>The call's site, for the generator and for <see cref="InterceptedCallSuppressor"/>; null as above.</summary>
    public static ProxySite? Read(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellation)
    {
        if (model.GetSymbolInfo(invocation, cancellation).Symbol is not IMethodSymbol { Name: "CreateProxy", TypeArguments.Length: 1 } create
            || create.ContainingType.ToDisplayString() != "Tino.Client.TinoClientProxyExtensions"
            || Contracts.Accessible(create.TypeArguments[0], model.Compilation) is not { } contract
            || Contracts.Methods(contract) is not { } declared)
        {
            return null;
        }
        var wire = new WireTypes(model.Compilation);
        var methods = new List<ProxyMethod>();
        foreach (var (type, method) in declared)
        {
            if (MethodOf(type, method, wire) is not { } proxied)
            {
                return null;
            }
            methods.Add(proxied);
        }
        return InterceptedCall.Of(invocation, model, cancellation) is { } call
            ? new ProxySite(
                call,
                Code.TypeName(contract),
                new EquatableArray<ProxyMethod>([.. methods]),
                new EquatableArray<WireRegistration>([.. wire.Registrations]),
                new EquatableArray<UnsupportedType>([.. wire.Unsupported]))
            : null;
    }

    private static ProxyMethod? MethodOf(INamedTypeSymbol contract, IMethodSymbol method, WireTypes wire)
    {
        if (method.IsGenericMethod || method.Parameters.Any(p => p.RefKind != RefKind.None || p.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol))
        {
            return null;
        }
        var (kind, result) = ResultOf(method.ReturnType);
        if (kind is null)
        {
            return null;
        }
        var parameters = method.Parameters.Select(p =>
        {
            var source = HandlerShape.KindOf(p.Type);
            if (source == ParameterKind.Wire)
            {
                wire.Visit(p.Type);
            }
            return new ProxyParameter(Code.Identifier(p.Name), p.Type.ToDisplayString(HandlerShape.Declared), source == ParameterKind.Wire, source == ParameterKind.CancellationToken);
        });
        if (result is not null)
        {
            wire.Visit(result);
        }
        return new ProxyMethod(
            contract.ToDisplayString(HandlerShape.Declared),
            method.Name,
            Contracts.CommandName(method),
            method.ReturnType.ToDisplayString(HandlerShape.Declared),
            kind.Value,
            result?.ToDisplayString(HandlerShape.Declared),
            new EquatableArray<ProxyParameter>([.. parameters]));
    }

    private static (ProxyResult? Kind, ITypeSymbol? Result) ResultOf(ITypeSymbol type) =>
        (type as INamedTypeSymbol)?.OriginalDefinition.ToDisplayString() switch
        {
            "System.Threading.Tasks.Task" => (ProxyResult.Task, null),
            "System.Threading.Tasks.ValueTask" => (ProxyResult.ValueTask, null),
            "System.Threading.Tasks.Task<TResult>" => (ProxyResult.TaskOf, ((INamedTypeSymbol)type).TypeArguments[0]),
            "System.Threading.Tasks.ValueTask<TResult>" => (ProxyResult.ValueTaskOf, ((INamedTypeSymbol)type).TypeArguments[0]),
            "System.Collections.Generic.IAsyncEnumerable<T>" => (ProxyResult.Stream, ((INamedTypeSymbol)type).TypeArguments[0]),
            _ => (null, null),
        };
}
