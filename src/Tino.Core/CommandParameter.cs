using System.Reflection;

namespace Tino;

/// <summary>
/// One parameter of a command's handler: a wire argument, or a magic parameter the server fills.
/// </summary>
/// <param name="Name">The parameter's name, used in error locations and listings.</param>
/// <param name="Type">The parameter's declared type, e.g. <c>int</c> or <c>AuthRequired&lt;string&gt;</c>.</param>
public sealed record CommandParameter(string Name, Type Type)
{
    /// <summary>Where the value comes from, read off <see cref="Type"/>.</summary>
    public ParameterSource Source { get; } = SourceOf(Type);

    /// <summary>
    /// For magic parameters, the type inside the wrapper (the auth value's or the state's type);
    /// for wire arguments, <see cref="Type"/> itself.
    /// </summary>
    public Type ValueType => Source switch
    {
        ParameterSource.Wire or ParameterSource.CancellationToken or ParameterSource.Publisher or ParameterSource.CallContext => Type,
        _ => Type.GetGenericArguments()[0],
    };

    /// <summary>
    /// Whether a wire argument accepts MessagePack nil. Value types accept it only when nullable;
    /// reference types unless their nullability annotation says otherwise.
    /// </summary>
    public bool AcceptsNil { get; init; } = !Type.IsValueType || Nullable.GetUnderlyingType(Type) is not null;

    /// <summary>Describes a .NET parameter, reading its nullability annotation.</summary>
    public static CommandParameter FromParameterInfo(ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var name = parameter.Name ?? $"arg{parameter.Position}";
        var described = new CommandParameter(name, parameter.ParameterType);
        if (!parameter.ParameterType.IsValueType)
        {
            var nullability = new NullabilityInfoContext().Create(parameter);
            described = described with { AcceptsNil = nullability.ReadState != NullabilityState.NotNull };
        }
        return described;
    }

    private static ParameterSource SourceOf(Type type)
    {
        if (type == typeof(CancellationToken))
        {
            return ParameterSource.CancellationToken;
        }
        if (type == typeof(Publisher))
        {
            return ParameterSource.Publisher;
        }
        if (type == typeof(CallContext))
        {
            return ParameterSource.CallContext;
        }
        if (!type.IsGenericType)
        {
            return ParameterSource.Wire;
        }
        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(AuthRequired<>))
        {
            return ParameterSource.AuthRequired;
        }
        if (definition == typeof(Auth<>))
        {
            return ParameterSource.Auth;
        }
        return definition == typeof(ConnState<>) ? ParameterSource.ConnectionState : ParameterSource.Wire;
    }
}
