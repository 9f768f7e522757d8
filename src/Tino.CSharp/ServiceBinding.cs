using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Tino;

/// <summary>
/// Turns the builder's registrations into command records, knowing the container (if any): finds the handler
/// parameters that are services and wraps such handlers so those are resolved per call from a fresh scope. Tino's C#
/// source generator describes such handlers itself (<see cref="TinoAppBuilder.Commands"/>), and checks them and opens
/// their scopes through the public members here.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ServiceBinding
{
    private readonly IServiceProvider? _services;
    private readonly IServiceProviderIsService? _isService;

    internal ServiceBinding(IServiceProvider? services)
    {
        _services = services;
        _isService = services?.GetService<IServiceProviderIsService>();
    }

    /// <summary>Describes a delegate handler; one with service parameters is wrapped to resolve them per call.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    internal CommandHandler Bind(string name, Delegate handler, string? description)
    {
        var described = CommandHandler.Create(name, handler);
        described = described with { Description = description ?? described.Description };
        var parameters = handler.Method.GetParameters();
        var found = new ServiceParameter?[described.Parameters.Length];
        for (var i = 0; i < found.Length && i < parameters.Length; i++)
        {
            found[i] = ServiceParameter.Of(parameters[i], described.Parameters[i], _isService);
            if (found[i] is { Required: true } service)
            {
                Require(name, described.Parameters[i].Name, service.Type, service.Keyed, service.Key);
            }
        }
        return found.Any(s => s is not null)
            ? PerCallHandler.Wrap(described, Scopes(name), (scope, i) => found[i]?.Resolve(ProviderOf(scope)))
            : described;
    }

    /// <summary>
    /// A described handler as it is, unless the container provides one of its wire parameters: then bound again from
    /// <paramref name="original"/>, the handler as written, as <c>Command(name, handler)</c> binds it by reflection,
    /// so that all its services come from one scope. Under Native AOT that cannot be done: a service parameter must
    /// then be marked <see cref="FromServicesAttribute"/>, which the generated code resolves, and the build says so.
    /// </summary>
    /// <param name="described">The handler's record, as generated code describes it.</param>
    /// <param name="original">The handler as written; the record's own delegate when it is that.</param>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Guarded: without dynamic code it refuses rather than bind by reflection.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded: without dynamic code it refuses rather than bind by reflection.")]
    public CommandHandler Bind(CommandHandler described, Delegate original)
    {
        ArgumentNullException.ThrowIfNull(described);
        ArgumentNullException.ThrowIfNull(original);
        if (_isService is not { } isService
            || described.Parameters.FirstOrDefault(p => p.Source == ParameterSource.Wire && isService.IsService(p.Type)) is not { } service)
        {
            return described;
        }
        return RuntimeFeature.IsDynamicCodeSupported
            ? Bind(described.Name, original, described.Description)
            : throw new TinoBuildException(described.Name, $"'{service.Name}' is a service of type {service.Type.Name}: under Native AOT the container's services are resolved only for parameters marked [FromServices] or [FromKeyedServices]. Mark it so.");
    }

    /// <summary>
    /// The opener of a fresh scope of the container, one per call of <paramref name="command"/>, checked when the app
    /// is built: it fails then when the builder has no container.
    /// </summary>
    /// <exception cref="TinoBuildException">The builder has no service provider.</exception>
    public Func<AsyncServiceScope> Scopes(string command)
    {
        var scopes = _services?.GetService<IServiceScopeFactory>()
            ?? throw new TinoBuildException(command, "the handler takes services, but the builder has no service provider: call UseServices(provider), or register the app with services.AddTino(...).");
        return scopes.CreateAsyncScope;
    }

    /// <summary>Checks, when the app is built, that the container provides a required service parameter of <paramref name="command"/>.</summary>
    /// <param name="command">The command, named in the error.</param>
    /// <param name="parameter">The parameter, named in the error.</param>
    /// <param name="type">The service's type.</param>
    /// <param name="keyed">Whether it is a keyed service (<c>[FromKeyedServices(key)]</c>).</param>
    /// <param name="key">The key of a keyed service.</param>
    /// <exception cref="TinoBuildException">The container does not provide it.</exception>
    public void Require(string command, string parameter, Type type, bool keyed, object? key)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_services is null)
        {
            return;
        }
        var registered = keyed
            ? _services.GetService<IServiceProviderIsKeyedService>()?.IsKeyedService(type, key)
            : _isService?.IsService(type);
        if (registered == false)
        {
            throw new TinoBuildException(command, $"'{parameter}' is a service of type {type.Name}, which the container does not provide.");
        }
    }

    /// <summary>Checks, when the app is built, that the container provides the contract <c>MapService&lt;TContract&gt;()</c> resolves per call.</summary>
    /// <param name="command">The contract's first command, named in the error.</param>
    /// <param name="contract">The contract.</param>
    /// <exception cref="TinoBuildException">The container does not provide it.</exception>
    public void RequireContract(string command, Type contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        if (_isService?.IsService(contract) == false)
        {
            throw new TinoBuildException(command, $"MapService<{contract.Name}>() resolves {contract.Name} per call, but the container does not provide it.");
        }
    }

    /// <summary>The commands of a service interface whose implementation is resolved per call from a fresh scope.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    internal IEnumerable<CommandHandler> BindContract<TContract>()
        where TContract : class
    {
        var contract = typeof(TContract);
        var first = ServiceContract.Methods(contract).Select(ServiceContract.CommandName).FirstOrDefault() ?? contract.Name;
        var service = new ServiceParameter(contract, Key: null, Keyed: false, Required: true);
        RequireContract(first, contract);
        return ServiceContract.BindPerCall<TContract, AsyncServiceScope>(Scopes(first), scope => service.Resolve(ProviderOf(scope)));
    }

    [RequiresUnreferencedCode(ReflectionBinding.Handlers)]
    [RequiresDynamicCode(ReflectionBinding.Handlers)]
    private static MemberExpression ProviderOf(Expression scope) => Expression.Property(scope, nameof(AsyncServiceScope.ServiceProvider));
}
