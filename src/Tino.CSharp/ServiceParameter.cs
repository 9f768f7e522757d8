using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Tino;

/// <summary>A handler parameter resolved from the call's service scope: its type, its key if keyed, and whether it must be registered.</summary>
[RequiresUnreferencedCode(ReflectionBinding.Handlers)]
[RequiresDynamicCode(ReflectionBinding.Handlers)]
internal sealed record ServiceParameter(Type Type, object? Key, bool Keyed, bool Required)
{
    /// <summary>
    /// The service a parameter stands for, or null for a wire or magic parameter. A parameter is a service when it
    /// carries <c>[FromServices]</c> (Tino's or any attribute of that name) or <c>[FromKeyedServices]</c>, or when the
    /// container says its type is a service. Nullable parameters are optional services.
    /// </summary>
    public static ServiceParameter? Of(ParameterInfo info, CommandParameter parameter, IServiceProviderIsService? isService)
    {
        if (parameter.Source != ParameterSource.Wire)
        {
            return null;
        }
        var required = !parameter.AcceptsNil;
        if (info.GetCustomAttribute<FromKeyedServicesAttribute>() is { } keyed)
        {
            return new ServiceParameter(parameter.Type, keyed.Key, Keyed: true, required);
        }
        var marked = info.GetCustomAttributes().Any(a => a.GetType().Name == nameof(FromServicesAttribute));
        return marked || isService?.IsService(parameter.Type) == true
            ? new ServiceParameter(parameter.Type, null, Keyed: false, required)
            : null;
    }

    /// <summary>An expression that resolves this service from <paramref name="provider"/>, an <see cref="IServiceProvider"/>.</summary>
    public Expression Resolve(Expression provider) => Keyed
        ? Expression.Call(Extension(typeof(ServiceProviderKeyedServiceExtensions), Required ? "GetRequiredKeyedService" : "GetKeyedService"), provider, Expression.Constant(Key, typeof(object)))
        : Expression.Call(Extension(typeof(ServiceProviderServiceExtensions), Required ? "GetRequiredService" : "GetService"), provider);

    private MethodInfo Extension(Type owner, string name) =>
        owner.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == (Keyed ? 2 : 1))
            .MakeGenericMethod(Type);
}
