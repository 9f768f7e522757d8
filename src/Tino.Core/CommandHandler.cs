using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Tino.Pipeline;

namespace Tino;

/// <summary>
/// One command: its name, its parameters, its result type and the delegate that runs it.
/// The one representation of a command that every front builds and the pipeline compiles.
/// </summary>
/// <remarks>
/// <see cref="Invoke"/> takes exactly <see cref="Parameters"/>, in order, and returns
/// <see cref="ResultType"/>: a value, <c>void</c>, <see cref="Task"/>, <see cref="Task{T}"/>,
/// <see cref="ValueTask"/> or <see cref="ValueTask{T}"/>.
/// </remarks>
/// <example><code>var add = CommandHandler.Create("add", (int a, int b) =&gt; a + b);</code></example>
public sealed record CommandHandler
{
    /// <summary>Describes a command; prefer <see cref="Create(string, Delegate)"/>, which reads all of this off a delegate.</summary>
    public CommandHandler(string name, ImmutableArray<CommandParameter> parameters, Type resultType, Delegate invoke)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(resultType);
        ArgumentNullException.ThrowIfNull(invoke);
        Name = name;
        Parameters = parameters.IsDefault ? [] : parameters;
        ResultType = resultType;
        Invoke = invoke;
    }

    /// <summary>The command's name as registered; matched case-insensitively on the wire.</summary>
    public string Name { get; init; }

    /// <summary>The handler's parameters, wire arguments and magic ones, in the delegate's order.</summary>
    public ImmutableArray<CommandParameter> Parameters
    {
        get;
        init
        {
            field = value;
            Binder = null;
        }
    }

    /// <summary>The delegate's declared return type.</summary>
    public Type ResultType
    {
        get;
        init
        {
            field = value;
            Binder = null;
        }
    }

    /// <summary>The handler.</summary>
    public Delegate Invoke
    {
        get;
        init
        {
            field = value;
            Binder = null;
        }
    }

    /// <summary>
    /// Binds the command without reflection, when Tino's C# source generator wrote a binder for it; null to bind it from
    /// <see cref="Invoke"/> by reflection. A record made from this one with another <see cref="Invoke"/>,
    /// <see cref="Parameters"/> or <see cref="ResultType"/> has none, as the binder was written for these.
    /// </summary>
    public CommandBinder? Binder { get; init; }

    /// <summary>Whether the reply may be nil: a nullable-annotated reference result, or a <see cref="Nullable{T}"/>.</summary>
    public bool ResultAcceptsNil { get; init; }

    /// <summary>A one-line description, shown in listings.</summary>
    public string? Description { get; init; }

    /// <summary>Whether calling it twice with the same arguments does what calling it once does (<see cref="IdempotentAttribute"/>), so a lost call may be sent again.</summary>
    public bool IsIdempotent { get; init; }

    /// <summary>Whether calling the command needs an authenticated connection.</summary>
    public bool RequiresAuth => Parameters.Any(p => p.Source == ParameterSource.AuthRequired);

    /// <summary>
    /// For a stream command (its result an <see cref="IAsyncEnumerable{T}"/>, or a task of one), the type of its items;
    /// null for an ordinary command.
    /// </summary>
    public Type? StreamItemType => StreamShape.ItemType(ResultType);

    /// <summary>The number of arguments a caller sends: the wire parameters.</summary>
    public int WireArity => Parameters.Count(p => p.Source == ParameterSource.Wire);

    /// <summary>Describes a command from any delegate: a lambda, a method group, a static or instance method.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public static CommandHandler Create(string name, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = handler.Method;
        var parameters = method.GetParameters().Select(CommandParameter.FromParameterInfo).ToImmutableArray();
        return new CommandHandler(name, parameters, method.ReturnType, handler)
        {
            ResultAcceptsNil = ReturnAcceptsNil(method),
            Description = CommandDescriptions.Of(method),
            IsIdempotent = method.IsDefined(typeof(IdempotentAttribute), inherit: true),
        };
    }

    /// <summary>
    /// Whether <paramref name="method"/> may return nil, read off its nullability annotations;
    /// for a task, off its result's. C# emits no such annotations for lambdas: a handler whose
    /// result may be null reads best as a method.
    /// </summary>
    public static bool ReturnAcceptsNil(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var returned = new NullabilityInfoContext().Create(method.ReturnParameter);
        var type = method.ReturnType;
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            returned = returned.GenericTypeArguments[0];
            type = type.GetGenericArguments()[0];
        }
        return Nullable.GetUnderlyingType(type) is not null || (!type.IsValueType && returned.ReadState == NullabilityState.Nullable);
    }

    /// <summary>Describes a command from a method and the instance it runs on (null for a static method).</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public static CommandHandler Create(string name, MethodInfo method, object? target)
    {
        ArgumentNullException.ThrowIfNull(method);
        var signature = method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType).ToArray();
        var delegateType = System.Linq.Expressions.Expression.GetDelegateType(signature);
        return Create(name, method.CreateDelegate(delegateType, target));
    }

    /// <summary>The delegate's name and signature, for messages.</summary>
    public override string ToString() =>
        $"{Name}({string.Join(", ", Parameters.Select(p => $"{p.Type.Name} {p.Name}"))}) -> {ResultType.Name}";
}
