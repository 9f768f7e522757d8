namespace Tino;

/// <summary>
/// Marks a handler parameter as a service: it is resolved per call from a fresh scope of the builder's
/// <see cref="TinoAppBuilder.Services"/> and is not sent on the wire.
/// </summary>
/// <remarks>
/// A parameter is a service when it carries this attribute (or ASP.NET Core's attribute of the same name),
/// or <c>[FromKeyedServices(key)]</c>, or when the builder has a container that says its type is a service
/// (<c>IServiceProviderIsService</c>), as minimal APIs infer. Magic parameters and
/// <see cref="CancellationToken"/> never are. A nullable service parameter is null when nothing is registered;
/// any other must be registered. Under Native AOT only the marked parameters are services: Tino's source generator
/// binds them at compile time, and the app's build refuses a handler whose unmarked parameter the container provides.
/// </remarks>
/// <example><code>.Command("now", ([FromServices] TimeProvider clock) =&gt; clock.GetUtcNow())</code></example>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FromServicesAttribute : Attribute;
