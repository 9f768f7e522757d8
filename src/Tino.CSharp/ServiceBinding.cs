using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Tino;

/// <summary>
/// Turns the builder's registrations into command records, knowing the container (if any): finds the handler
/// parameters that are services and wraps such handlers so those are resolved per call from a fresh scope.
/// </summary>
internal sealed class ServiceBinding(IServiceProvider? services)
{
    private readonly IServiceProviderIsService? _isService = services?.GetService<IServiceProviderIsService>();

    /// <summary>Describes a delegate handler; one with service parameters is wrapped to resolve them per call.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public CommandHandler Bind(string name, Delegate handler, string? description)
    {
        var described = CommandHandler.Create(name, handler);
        described = described with { Description = description ?? described.Description };
        var parameters = handler.Method.GetParameters();
        var found = new ServiceParameter?[described.Parameters.Length];
        for (var i = 0; i < found.Length && i < parameters.Length; i++)
        {
            found[i] = ServiceParameter.Of(parameters[i], described.Parameters[i], _isService);
            if (found[i] is { } service)
            {
                Check(name, described.Parameters[i].Name, service);
            }
        }
        return found.Any(s => s is not null)
            ? PerCallHandler.Wrap(described, OpenScope(name), (scope, i) => found[i]?.Resolve(ProviderOf(scope)))
            : described;
    }

    /// <summary>
    /// A described handler as it is, unless the container provides one of its wire parameters: then wrapped as
    /// <see cref="Bind(string, Delegate, string?)"/> wraps it, which reads the delegate again by reflection. Under
    /// Native AOT that cannot be done, and the build says so.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Guarded: without dynamic code it refuses rather than bind by reflection.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded: without dynamic code it refuses rather than bind by reflection.")]
    public CommandHandler Bind(CommandHandler described)
    {
        if (_isService is not { } isService
            || described.Parameters.FirstOrDefault(p => p.Source == ParameterSource.Wire && isService.IsService(p.Type)) is not { } service)
        {
            return described;
        }
        return RuntimeFeature.IsDynamicCodeSupported
            ? Bind(described.Name, described.Invoke, described.Description)
            : throw new TinoBuildException(described.Name, $"'{service.Name}' is a service of type {service.Type.Name}: under Native AOT a handler cannot take services yet. Capture the service in the handler (a lambda over it) instead.");
    }

    /// <summary>The commands of a service interface whose implementation is resolved per call from a fresh scope.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    public IEnumerable<CommandHandler> BindContract<TContract>()
        where TContract : class
    {
        var contract = typeof(TContract);
        var first = ServiceContract.Methods(contract).Select(ServiceContract.CommandName).FirstOrDefault() ?? contract.Name;
        var service = new ServiceParameter(contract, Key: null, Keyed: false, Required: true);
        if (_isService?.IsService(contract) == false)
        {
            throw new TinoBuildException(first, $"MapService<{contract.Name}>() resolves {contract.Name} per call, but the container does not provide it.");
        }
        return ServiceContract.BindPerCall<TContract, AsyncServiceScope>(OpenScope(first), scope => service.Resolve(ProviderOf(scope)));
    }

    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    private static MemberExpression ProviderOf(Expression scope) => Expression.Property(scope, nameof(AsyncServiceScope.ServiceProvider));

    private Func<AsyncServiceScope> OpenScope(string command)
    {
        var scopes = services?.GetService<IServiceScopeFactory>()
            ?? throw new TinoBuildException(command, "the handler takes services, but the builder has no service provider: call UseServices(provider), or register the app with services.AddTino(...).");
        return scopes.CreateAsyncScope;
    }

    private void Check(string command, string parameter, ServiceParameter service)
    {
        if (!service.Required || services is null)
        {
            return;
        }
        var registered = service.Keyed
            ? services.GetService<IServiceProviderIsKeyedService>()?.IsKeyedService(service.Type, service.Key)
            : _isService?.IsService(service.Type);
        if (registered == false)
        {
            throw new TinoBuildException(command, $"'{parameter}' is a service of type {service.Type.Name}, which the container does not provide.");
        }
    }
}
