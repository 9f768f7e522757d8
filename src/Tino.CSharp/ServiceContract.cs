using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;

namespace Tino;

/// <summary>
/// A service interface as commands: which methods become commands, their names, and the delegates that call them
/// on one instance or on an instance found per call. The client proxies of the same contract follow the same names.
/// </summary>
[RequiresUnreferencedCode(ReflectionBinding.Handlers)]
[RequiresDynamicCode(ReflectionBinding.Handlers)]
internal static class ServiceContract
{
    /// <summary>The command a method becomes: its <see cref="CommandNameAttribute"/>'s name, else <see cref="CommandNameAttribute.ForMethod"/>.</summary>
    public static string CommandName(MethodInfo method) =>
        method.GetCustomAttribute<CommandNameAttribute>()?.Name ?? CommandNameAttribute.ForMethod(method.Name);

    /// <summary>
    /// The methods of the interfaces <paramref name="contract"/> extends, then its own, each in declaration order,
    /// that become commands: every instance method. Static members are skipped; properties, events and generic methods are errors.
    /// </summary>
    public static IEnumerable<MethodInfo> Methods(Type contract)
    {
        if (!contract.IsInterface)
        {
            throw new TinoBuildException(null, $"MapService maps the methods of an interface; {contract.Name} is not an interface.");
        }
        foreach (var type in contract.GetInterfaces().Append(contract))
        {
            const BindingFlags instance = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
            if (type.GetProperties(instance).Cast<MemberInfo>().Concat(type.GetEvents(instance)).FirstOrDefault() is { } other)
            {
                throw new TinoBuildException(null, $"{type.Name}.{other.Name}: a service interface may declare only methods; properties and events cannot be commands.");
            }
            foreach (var method in type.GetMethods(instance).OrderBy(m => m.MetadataToken))
            {
                if (method.IsGenericMethodDefinition)
                {
                    throw new TinoBuildException(CommandName(method), $"{type.Name}.{method.Name} is generic; a command's parameter types must be fixed.");
                }
                yield return method;
            }
        }
    }

    /// <summary>The commands of <typeparamref name="TContract"/>, every call served by <paramref name="instance"/>.</summary>
    public static IEnumerable<CommandHandler> Bind<TContract>(TContract instance)
        where TContract : class =>
        Methods(typeof(TContract)).Select(method =>
        {
            var parameters = method.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
            var call = Expression.Call(Expression.Constant(instance, typeof(TContract)), method, parameters);
            var delegateType = Expression.GetDelegateType([.. parameters.Select(p => p.Type), method.ReturnType]);
            return Describe(method, Expression.Lambda(delegateType, call, parameters).Compile(), []);
        });

    /// <summary>The commands of <typeparamref name="TContract"/>, each call served by a new instance that <paramref name="factory"/> makes and the call disposes.</summary>
    public static IEnumerable<CommandHandler> Bind<TContract>(Func<TContract> factory)
        where TContract : class =>
        BindPerCall<TContract, Owned<TContract>>(() => new Owned<TContract>(factory()), scope => Expression.Property(scope, nameof(Owned<TContract>.Value)));

    /// <summary>
    /// The commands of <typeparamref name="TContract"/>, each call served by the instance that <paramref name="resolve"/>
    /// finds in a scope that <paramref name="open"/> makes before the call and that is disposed after it.
    /// </summary>
    public static IEnumerable<CommandHandler> BindPerCall<TContract, TScope>(Func<TScope> open, Func<Expression, Expression> resolve)
        where TContract : class
        where TScope : IAsyncDisposable =>
        Methods(typeof(TContract)).Select(method =>
        {
            // (TContract service, parameters...) => service.Method(parameters...), with the service filled per call.
            var service = Expression.Parameter(typeof(TContract), "service");
            var parameters = method.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
            var delegateType = Expression.GetDelegateType([typeof(TContract), .. parameters.Select(p => p.Type), method.ReturnType]);
            var invoke = Expression.Lambda(delegateType, Expression.Call(service, method, parameters), [service, .. parameters]).Compile();
            var described = Describe(method, invoke, [new CommandParameter(service.Name!, typeof(TContract))]);
            return PerCallHandler.Wrap(described, open, (scope, i) => i == 0 ? resolve(scope) : null);
        });

    private static CommandHandler Describe(MethodInfo method, Delegate invoke, ImmutableArray<CommandParameter> leading) =>
        new(CommandName(method), [.. leading, .. method.GetParameters().Select(CommandParameter.FromParameterInfo)], method.ReturnType, invoke)
        {
            Description = CommandDescriptions.Of(method),
            IsIdempotent = method.IsDefined(typeof(IdempotentAttribute), inherit: true),
            ResultAcceptsNil = CommandHandler.ReturnAcceptsNil(method),
        };
}
