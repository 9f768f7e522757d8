using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.Serialization;
using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// Decides, by reflection when a formatter is first built, how the object formatter maps a class, record or struct:
/// its members in declaration order (base types first, properties then fields), their wire names, the constructor
/// that makes it, and which members are required.
/// </summary>
internal sealed class ObjectLayout
{
    private ObjectLayout(Type type, IReadOnlyList<ObjectMemberPlan> members, ConstructorInfo? constructor)
    {
        Type = type;
        Members = members;
        Constructor = constructor;
    }

    /// <summary>What the layout reads of a type: what the trimmer must keep of one that generated code formats.</summary>
    internal const DynamicallyAccessedMemberTypes ReadMembers =
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicConstructors;

    /// <summary>The type laid out.</summary>
    public Type Type { get; }

    /// <summary>Every member, in wire order.</summary>
    public IReadOnlyList<ObjectMemberPlan> Members { get; }

    /// <summary>The constructor to call, or null for a struct made as <c>default</c>.</summary>
    public ConstructorInfo? Constructor { get; }

    /// <summary>Whether the object formatter may take <paramref name="type"/> at all (collections, delegates and abstract types are not records).</summary>
    public static bool Accepts(Type type) =>
        !type.IsAbstract && !type.IsInterface && !type.IsPrimitive && !type.IsEnum && !type.IsArray && !type.IsPointer
        && !type.IsByRef && !type.IsByRefLike && !type.ContainsGenericParameters && type != typeof(string) && type != typeof(object)
        && !typeof(Delegate).IsAssignableFrom(type) && !typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>Lays out <paramref name="type"/>; throws <see cref="FormatterNotRegisteredException"/> naming the reason when it cannot.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Formatters)]
    public static ObjectLayout Analyze(Type type)
    {
        var members = CollectMembers(type);
        var constructor = ChooseConstructor(type, members, out var parameters);
        var nullability = new NullabilityInfoContext();
        var plans = new List<ObjectMemberPlan>(members.Count);
        var names = new Dictionary<string, MemberInfo>(StringComparer.Ordinal);
        var slot = 0;
        foreach (var member in members)
        {
            var memberType = TypeOf(member);
            var wireName = WireName(type, member);
            if (!names.TryAdd(wireName, member))
            {
                throw Unsupported(type, $"members {names[wireName].Name} and {member.Name} share the wire name \"{wireName}\"");
            }

            var parameter = parameters.GetValueOrDefault(member);
            var canSet = member switch
            {
                PropertyInfo property => property.SetMethod is { IsPublic: true },
                FieldInfo field => !field.IsInitOnly,
                _ => false,
            };
            var decoded = canSet || parameter is not null;
            var allowsNil = AllowsNil(memberType, member, parameter, nullability);
            var optional = allowsNil || Nullable.GetUnderlyingType(memberType) is not null || IsFSharpValueOption(memberType) || parameter is { HasDefaultValue: true };
            plans.Add(new ObjectMemberPlan(
                member,
                memberType,
                wireName,
                canSet,
                parameter,
                Required: decoded && !optional,
                RejectNil: !memberType.IsValueType && !allowsNil,
                Slot: decoded ? slot++ : -1));
        }

        return new ObjectLayout(type, plans, constructor);
    }

    /// <summary>The default value a missing constructor parameter takes, converted to the member's type.</summary>
    [RequiresUnreferencedCode(ReflectionBinding.Formatters)]
    public static object? DefaultOf(ParameterInfo parameter, Type type)
    {
        var value = parameter.DefaultValue;
        if (value is null || value == DBNull.Value || value == Missing.Value)
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target.IsEnum ? Enum.ToObject(target, value) : value;
    }

    /// <summary>The error for a type the object formatter cannot map.</summary>
    public static FormatterNotRegisteredException Unsupported(Type type, string reason) =>
        new($"Tino cannot serialize {type.FullName ?? type.Name}: {reason}.");

    [RequiresUnreferencedCode(ReflectionBinding.Formatters)]
    private static List<MemberInfo> CollectMembers(Type type)
    {
        var hierarchy = new List<Type>();
        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            hierarchy.Insert(0, current);
        }

        var members = new List<MemberInfo>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var level in hierarchy)
        {
            IEnumerable<MemberInfo> declared = InDeclarationOrder(level.GetProperties(flags).Where(IsDataProperty));
            declared = declared.Concat(InDeclarationOrder(level.GetFields(flags)));
            foreach (var member in declared.Where(m => !IsIgnored(m) && IsSerializableType(TypeOf(m))))
            {
                // A member redeclared by a derived type (override or new) keeps its base position.
                if (positions.TryGetValue(member.Name, out var position))
                {
                    members[position] = member;
                }
                else
                {
                    positions.Add(member.Name, members.Count);
                    members.Add(member);
                }
            }
        }

        return members;
    }

    /// <summary>
    /// Members in the order the source declares them: by metadata token, which the JIT's reflection does not promise to
    /// follow. Native AOT's reflection has no tokens, and lists members in metadata order already.
    /// </summary>
    private static IEnumerable<T> InDeclarationOrder<T>(IEnumerable<T> members)
        where T : MemberInfo =>
        members.OrderBy(m => m.HasMetadataToken() ? m.MetadataToken : 0);

    private static bool IsDataProperty(PropertyInfo property) =>
        property.GetMethod is { IsPublic: true, IsStatic: false } && property.GetIndexParameters().Length == 0;

    private static bool IsIgnored(MemberInfo member) =>
        member.IsDefined(typeof(IgnoreMemberAttribute), true) || member.IsDefined(typeof(IgnoreDataMemberAttribute), true);

    private static bool IsSerializableType(Type type) => !type.IsByRef && !type.IsByRefLike && !type.IsPointer && !type.IsFunctionPointer;

    private static Type TypeOf(MemberInfo member) => member is PropertyInfo property ? property.PropertyType : ((FieldInfo)member).FieldType;

    private static string WireName(Type type, MemberInfo member) =>
        member.GetCustomAttribute<DataMemberAttribute>(true)?.Name
        ?? member.GetCustomAttribute<KeyAttribute>(true)?.StringKey
        ?? WireNamingAttribute.WireNameOf(type, member.Name);

    [RequiresUnreferencedCode(ReflectionBinding.Formatters)]
    private static ConstructorInfo? ChooseConstructor(Type type, List<MemberInfo> members, out Dictionary<MemberInfo, ParameterInfo> parameters)
    {
        // The public constructor with the most parameters that all name a member of the same type (case-insensitive):
        // a positional record's or F# record's primary constructor, else a parameterless one.
        foreach (var constructor in type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length))
        {
            if (TryMatch(constructor, members, out parameters))
            {
                return constructor.GetParameters().Length == 0 && type.IsValueType ? null : constructor;
            }
        }

        parameters = [];
        return type.IsValueType
            ? null
            : throw Unsupported(type, "it has no public parameterless constructor and no public constructor whose parameters all match its public members by name and type");
    }

    private static bool TryMatch(ConstructorInfo constructor, List<MemberInfo> members, out Dictionary<MemberInfo, ParameterInfo> parameters)
    {
        parameters = [];
        foreach (var parameter in constructor.GetParameters())
        {
            var candidates = members.Where(m => string.Equals(m.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            var member = candidates.Count == 1 ? candidates[0] : candidates.FirstOrDefault(m => m.Name == parameter.Name);
            if (member is null || TypeOf(member) != parameter.ParameterType || !parameters.TryAdd(member, parameter))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllowsNil(Type type, MemberInfo member, ParameterInfo? parameter, NullabilityInfoContext context)
    {
        if (type.IsValueType)
        {
            return false;
        }

        if (IsFSharpNullAsTrueValue(type))
        {
            return true; // F# option: None is null, so nil and absence both mean None.
        }

        try
        {
            var info = member is PropertyInfo property ? context.Create(property) : context.Create((FieldInfo)member);
            var fromParameter = parameter is null ? null : context.Create(parameter);
            return info.ReadState == NullabilityState.Nullable || info.WriteState == NullabilityState.Nullable
                || fromParameter?.WriteState == NullabilityState.Nullable;
        }
        catch (Exception error) when (error is InvalidOperationException or NotSupportedException)
        {
            return false; // no nullability metadata: oblivious members are treated as not nullable
        }
    }

    private static bool IsFSharpNullAsTrueValue(Type type)
    {
        const int useNullAsTrueValue = 8; // Microsoft.FSharp.Core.CompilationRepresentationFlags.UseNullAsTrueValue
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition.GetCustomAttributesData().Any(a =>
            a.AttributeType.FullName == "Microsoft.FSharp.Core.CompilationRepresentationAttribute"
            && a.ConstructorArguments is [{ Value: int flags }] && (flags & useNullAsTrueValue) != 0);
    }

    private static bool IsFSharpValueOption(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition().FullName == "Microsoft.FSharp.Core.FSharpValueOption`1";
}
