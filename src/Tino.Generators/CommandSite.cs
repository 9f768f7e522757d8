using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tino.Generators;

/// <summary>Where a handler parameter's value comes from, as <c>Tino.ParameterSource</c> reads it off the type.</summary>
internal enum ParameterKind
{
    Wire,
    AuthRequired,
    Auth,
    ConnectionState,
    CancellationToken,
    Publisher,
    CallContext,
    /// <summary>A <c>[FromServices]</c> or <c>[FromKeyedServices(key)]</c> parameter, resolved per call from the container.</summary>
    Service,
}

/// <summary>What a handler returns, as the pipeline writes it.</summary>
internal enum ResultKind
{
    Void,
    Task,
    Value,
    Stream,
}

/// <summary>
/// One parameter of a handler: its name, its type (as <c>typeof</c> takes it, and as code declares it), where it comes
/// from, and whether it takes nil; for a keyed service, its key as C# writes it.
/// </summary>
internal sealed record HandlerParameter(string Name, string TypeOf, string Declared, ParameterKind Kind, string? ValueType, bool AcceptsNil, string? ServiceKey);

/// <summary>A builder call the generator intercepts: where it is, for the interceptor's attribute, its comment and diagnostics.</summary>
internal sealed record InterceptedCall(int Version, string Data, string Display, SiteLocation Location)
{
    /// <summary>The call's interceptable location, or null when it has none.</summary>
    public static InterceptedCall? Of(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellation)
    {
        if (model.GetInterceptableLocation(invocation, cancellation) is not { } location)
        {
            return null;
        }
        // The method's name, not the whole chain of calls it ends.
        SyntaxNode named = invocation.Expression is MemberAccessExpressionSyntax access ? access.Name : invocation;
        var span = named.GetLocation().GetLineSpan();
        // The file name and position, with no folder, so builds on other machines write the same code.
        var display = $"{System.IO.Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
        return new InterceptedCall(location.Version, location.Data, display, SiteLocation.Of(named));
    }
}

/// <summary>One <c>TinoAppBuilder.Command(name, handler)</c> call whose handler the generator can bind.</summary>
internal sealed record CommandSite(InterceptedCall Call, HandlerShape Handler)
{
    /// <summary>Whether a syntax node may be a <c>Command(name, handler)</c> call, before any semantic work.</summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is InvocationExpressionSyntax
        {
            Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Command" },
            ArgumentList.Arguments.Count: 2 or 3,
        };

    /// <summary>The call's site, or null when it is not the builder's <c>Command(string, Delegate, string?)</c> or its handler is one this generator leaves to reflection.</summary>
    public static CommandSite? Read(GeneratorSyntaxContext context, CancellationToken cancellation) =>
        Read((InvocationExpressionSyntax)context.Node, context.SemanticModel, cancellation);

    /// <summary>The call's site, for the generator and for <see cref="InterceptedCallSuppressor"/>; null as above.</summary>
    public static CommandSite? Read(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellation)
    {
        if (model.GetSymbolInfo(invocation, cancellation).Symbol is not IMethodSymbol { Name: "Command", Parameters.Length: 3 } command
            || command.ContainingType.ToDisplayString() != "Tino.TinoAppBuilder"
            || command.Parameters[1].Type.ToDisplayString() != "System.Delegate"
            || invocation.ArgumentList.Arguments.Any(a => a.NameColon is not null))
        {
            return null;
        }
        var expression = invocation.ArgumentList.Arguments[1].Expression;
        var isFunction = expression is AnonymousFunctionExpressionSyntax;
        // A method group given as a Delegate reports its method as the one candidate of its natural type, not as the symbol.
        var target = model.GetSymbolInfo(expression, cancellation) switch
        {
            { Symbol: IMethodSymbol single } => single,
            { CandidateSymbols: { Length: 1 } candidates } when !isFunction && candidates[0] is IMethodSymbol only => only,
            _ => null,
        };
        return target is not null
            && HandlerShape.Of(target, isFunction, converted: false, model.Compilation, cancellation) is { } handler
            && InterceptedCall.Of(invocation, model, cancellation) is { } call
            ? new CommandSite(call, handler)
            : null;
    }
}
