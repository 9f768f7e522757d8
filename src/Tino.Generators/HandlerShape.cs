using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Tino.Generators;

/// <summary>
/// A handler the generator can bind: its delegate type, and everything <c>CommandHandler.Create</c> would read off
/// the delegate by reflection, with the formatters of the types it sends and receives.
/// </summary>
internal sealed record HandlerShape(
    string DelegateType,
    EquatableArray<HandlerParameter> Parameters,
    string ResultTypeOf,
    ResultKind Kind,
    string? ReplyType,
    string? ReplyTypeOf,
    bool ResultAcceptsNil,
    string? Description,
    bool IsIdempotent,
    EquatableArray<WireRegistration> Formatters,
    EquatableArray<UnsupportedType> Unsupported)
{
    private static readonly SymbolDisplayFormat s_typeOf = SymbolDisplayFormat.FullyQualifiedFormat;

    internal static readonly SymbolDisplayFormat Declared = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// The shape of <paramref name="target"/> (a lambda's or a method's symbol), or null when it is one this generator
    /// leaves to reflection. <paramref name="converted"/> says whether the generated code converts the method to its
    /// <c>Func</c> or <c>Action</c> itself (a service's method) rather than taking the delegate the call site made.
    /// </summary>
    public static HandlerShape? Of(IMethodSymbol target, bool isFunction, bool converted, Compilation compilation, CancellationToken cancellation)
    {
        // Given as a Delegate, a parameter with a default value or params makes the natural type an anonymous
        // delegate, which code cannot name; converted to a Func by the generated code, it does not matter.
        if (target.IsGenericMethod
            || target.Parameters.Any(p => p.RefKind != RefKind.None || (!converted && (p.HasExplicitDefaultValue || p.IsParams)) || ServiceOf(p) is (true, true, null)))
        {
            return null;
        }
        var delegateType = NaturalType(target, compilation);
        if (delegateType is not { DelegateInvokeMethod: { } invoke }
            || !compilation.IsSymbolAccessibleWithin(delegateType, compilation.Assembly))
        {
            return null;
        }

        var (kind, reply) = ResultOf(invoke.ReturnType, compilation);
        var parameters = target.Parameters.Select(Parameter).ToImmutableArray();
        var wire = new WireTypes(compilation);
        foreach (var parameter in parameters.Zip(target.Parameters, (read, symbol) => (read.Kind, symbol.Type)).Where(p => p.Kind == ParameterKind.Wire).Select(p => p.Type))
        {
            wire.Visit(parameter);
        }
        if (reply is not null)
        {
            wire.Visit(reply);
        }
        return new HandlerShape(
            delegateType.ToDisplayString(Declared),
            new EquatableArray<HandlerParameter>(parameters),
            invoke.ReturnType.ToDisplayString(s_typeOf),
            kind,
            reply?.ToDisplayString(Declared),
            reply?.ToDisplayString(s_typeOf),
            ReturnAcceptsNil(target),
            Descriptions.Of(target, isFunction, cancellation),
            MarkedIdempotent(target),
            new EquatableArray<WireRegistration>([.. wire.Registrations]),
            new EquatableArray<UnsupportedType>([.. wire.Unsupported]));
    }

    /// <summary>Whether the handler takes services from the container, so that it is served per call scope.</summary>
    public bool TakesServices => Parameters.Any(p => p.Kind == ParameterKind.Service);

    /// <summary>
    /// The handler as it is served with a scope per call, as <c>PerCallHandler.Wrap</c> makes it: without its service
    /// parameters, returning a <c>ValueTask</c>, a <c>ValueTask</c> of its reply, or its stream.
    /// </summary>
    public HandlerShape PerCall()
    {
        var kept = Parameters.Where(p => p.Kind != ParameterKind.Service).ToArray();
        var (declared, typeOf, kind) = Kind switch
        {
            ResultKind.Void or ResultKind.Task => (Types.ValueTask, Types.ValueTask, ResultKind.Task),
            ResultKind.Value => ($"{Types.ValueTask}<{ReplyType}>", $"{Types.ValueTask}<{ReplyTypeOf}>", ResultKind.Value),
            _ => ($"{Types.AsyncEnumerable}<{ReplyType}>", $"{Types.AsyncEnumerable}<{ReplyTypeOf}>", ResultKind.Stream),
        };
        return this with
        {
            DelegateType = $"global::System.Func<{string.Join(", ", kept.Select(p => p.Declared).Append(declared))}>",
            Parameters = new EquatableArray<HandlerParameter>([.. kept]),
            ResultTypeOf = typeOf,
            Kind = kind,
        };
    }

    /// <summary>The <c>Func</c> or <c>Action</c> a lambda or a method group converts to when given as a <c>Delegate</c>.</summary>
    private static INamedTypeSymbol? NaturalType(IMethodSymbol method, Compilation compilation)
    {
        var returnsVoid = method.ReturnsVoid;
        if (method.Parameters.Any(p => p.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol || p.Type.IsRefLikeType) || method.ReturnType.IsRefLikeType)
        {
            return null;
        }
        var arity = method.Parameters.Length + (returnsVoid ? 0 : 1);
        if (arity > 16)
        {
            return null;
        }
        var definition = compilation.GetTypeByMetadataName(returnsVoid ? (arity == 0 ? "System.Action" : $"System.Action`{arity}") : $"System.Func`{arity}");
        if (definition is null)
        {
            return null;
        }
        var arguments = method.Parameters.Select(p => p.Type).Concat(returnsVoid ? [] : [method.ReturnType]).ToArray();
        return arity == 0 ? definition : definition.Construct(arguments);
    }

    private static HandlerParameter Parameter(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        var (isService, _, key) = ServiceOf(parameter);
        var kind = isService ? ParameterKind.Service : KindOf(type);
        var valueType = kind is ParameterKind.AuthRequired or ParameterKind.Auth or ParameterKind.ConnectionState
            ? ((INamedTypeSymbol)type).TypeArguments[0].ToDisplayString(Declared)
            : null;
        var declared = type.WithNullableAnnotation(parameter.NullableAnnotation).ToDisplayString(Declared);
        return new HandlerParameter(parameter.Name, type.ToDisplayString(s_typeOf), declared, kind, valueType, AcceptsNil(type, parameter.NullableAnnotation), key);
    }

    internal static ParameterKind KindOf(ITypeSymbol type) => type.OriginalDefinition.ToDisplayString() switch
    {
        "System.Threading.CancellationToken" => ParameterKind.CancellationToken,
        "Tino.Publisher" => ParameterKind.Publisher,
        "Tino.CallContext" => ParameterKind.CallContext,
        "Tino.AuthRequired<T>" => ParameterKind.AuthRequired,
        "Tino.Auth<T>" => ParameterKind.Auth,
        "Tino.ConnState<T>" => ParameterKind.ConnectionState,
        _ => ParameterKind.Wire,
    };

    /// <summary>
    /// As <c>CommandParameter.FromParameterInfo</c> reads it: a value type takes nil when it is a <c>Nullable</c>; a
    /// reference type unless it is annotated not-null (the compiler writes the annotations of lambdas' parameters too).
    /// </summary>
    private static bool AcceptsNil(ITypeSymbol type, NullableAnnotation annotation) =>
        type.IsValueType ? IsNullableValue(type) : annotation != NullableAnnotation.NotAnnotated;

    /// <summary>
    /// As <c>CommandHandler.ReturnAcceptsNil</c> reads it: a task's result counts; a <c>Nullable</c> takes nil, and a
    /// reference type annotated nullable, which the compiler writes down for methods but not for lambdas.
    /// </summary>
    private static bool ReturnAcceptsNil(IMethodSymbol method)
    {
        var type = method.ReturnType;
        var annotation = method.ReturnNullableAnnotation;
        if (type is INamedTypeSymbol { IsGenericType: true } generic && IsTask(generic))
        {
            type = generic.TypeArguments[0];
            annotation = generic.TypeArgumentNullableAnnotations[0];
        }
        return IsNullableValue(type) || (!type.IsValueType && method.MethodKind != MethodKind.AnonymousFunction && annotation == NullableAnnotation.Annotated);
    }

    /// <summary>What the pipeline does with a result of <paramref name="type"/>, and the type it writes (a reply's, or a stream's items').</summary>
    private static (ResultKind Kind, ITypeSymbol? Reply) ResultOf(ITypeSymbol type, Compilation compilation)
    {
        if (type.SpecialType == SpecialType.System_Void)
        {
            return (ResultKind.Void, null);
        }
        var display = type.OriginalDefinition.ToDisplayString();
        if (display is "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask")
        {
            return (ResultKind.Task, null);
        }
        if (type is INamedTypeSymbol { IsGenericType: true } generic && IsTask(generic))
        {
            var inner = generic.TypeArguments[0];
            return AsyncEnumerableItem(inner) is { } streamed ? (ResultKind.Stream, streamed) : (ResultKind.Value, inner);
        }
        if (AsyncEnumerableItem(type) is { } item)
        {
            return (ResultKind.Stream, item);
        }
        var implemented = type.AllInterfaces.Select(AsyncEnumerableItem).Where(i => i is not null).ToArray();
        return implemented.Length == 1 ? (ResultKind.Stream, implemented[0]) : (ResultKind.Value, type);
    }

    private static ITypeSymbol? AsyncEnumerableItem(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsGenericType: true } named && named.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.IAsyncEnumerable<T>"
            ? named.TypeArguments[0]
            : null;

    private static bool IsTask(INamedTypeSymbol type) =>
        type.OriginalDefinition.ToDisplayString() is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>";

    private static bool IsNullableValue(ITypeSymbol type) => type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

    /// <summary>
    /// Whether the builder resolves a parameter from the container, as <c>ServiceParameter.Of</c> reads it: marked
    /// <c>[FromServices]</c> (any attribute of that name) or <c>[FromKeyedServices(key)]</c>, with a keyed service's key
    /// as C# writes it (null for a keyed attribute without one, which this generator leaves to reflection).
    /// </summary>
    private static (bool IsService, bool Keyed, string? Key) ServiceOf(IParameterSymbol parameter)
    {
        var attributes = parameter.GetAttributes();
        if (attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute") is { } keyed)
        {
            return (true, true, keyed.ConstructorArguments.Length == 1 && keyed.ConstructorArguments[0].Kind != TypedConstantKind.Array ? Code.Argument(keyed.ConstructorArguments[0]) : null);
        }
        return (attributes.Any(a => a.AttributeClass?.Name == "FromServicesAttribute"), false, null);
    }

    private static bool MarkedIdempotent(IMethodSymbol method)
    {
        for (var current = method; current is not null; current = current.OverriddenMethod)
        {
            if (current.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Tino.IdempotentAttribute"))
            {
                return true;
            }
        }
        return false;
    }
}
