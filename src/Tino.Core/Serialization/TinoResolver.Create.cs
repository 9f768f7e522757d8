using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using MessagePack;

namespace Tino.Serialization;

/// <summary>How <see cref="TinoResolver"/> chooses a formatter, once per type.</summary>
public sealed partial class TinoResolver
{
    private static readonly IFormatterResolver[] s_standard =
    [
        BuiltinResolver.Instance,
        DynamicEnumResolver.Instance,
        DynamicGenericResolver.Instance,
    ];

    private static IMessagePackFormatter<T>? Create<T>() => GeneratedFormatters.For<T>() ?? CreateByReflection<T>();

    /// <summary>
    /// The formatter for <typeparamref name="T"/> as Tino chooses it when no generated code registered one. Under Native
    /// AOT only the formatters that need no code made at run time are found here; for the others it says so.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = ReflectionBinding.FallBack)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = ReflectionBinding.FallBack)]
    internal static IMessagePackFormatter<T>? CreateByReflection<T>()
    {
        var type = typeof(T);
        var formatter = AttributeFormatterResolver.Instance.GetFormatter<T>() ?? (IMessagePackFormatter<T>?)CreateOwn(type);
        foreach (var resolver in s_standard)
        {
            formatter ??= resolver.GetFormatter<T>();
        }

        if (formatter is null && !RuntimeFeature.IsDynamicCodeSupported)
        {
            throw NotGenerated(type);
        }

        if (formatter is null && !type.IsValueType && type.IsDefined(typeof(UnionAttribute), false))
        {
            formatter = (IMessagePackFormatter<T>)Make(typeof(UnionFormatter<>), type);
        }

        if (formatter is null && type.IsDefined(typeof(MessagePackObjectAttribute), false))
        {
            formatter = DynamicObjectResolverAllowPrivate.Instance.GetFormatter<T>();
        }

        return formatter ?? (IMessagePackFormatter<T>?)ObjectFormatterBuilder.TryCreate(type);
    }

    /// <summary>Tino's formatters where MessagePack-CSharp's differ from PROTOCOL.md 6b or do not locate errors.</summary>
    private static object? CreateOwn(Type type)
    {
        if (type == typeof(DateTime))
        {
            return TimestampFormatter.Instance;
        }

        if (type == typeof(DateTimeOffset))
        {
            return TimestampOffsetFormatter.Instance;
        }

        if (type == typeof(double))
        {
            return CompactDoubleFormatter.Instance;
        }

        if (type == typeof(char))
        {
            return CharFormatter.Instance;
        }

        if (type == typeof(object))
        {
            return AnyFormatter.Instance;
        }

        if (type.FullName == "Microsoft.FSharp.Core.Unit")
        {
            return Make(typeof(UnitFormatter<>), type);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Make(typeof(NilOrValueFormatter<>), underlying);
        }

        // Named here rather than made by reflection: what any value decodes to, needed by Native AOT too.
        if (type == typeof(object[]))
        {
            return new IndexedArrayFormatter<object>();
        }

        if (type == typeof(Dictionary<object, object>))
        {
            return new KeyedDictionaryFormatter<Dictionary<object, object>, object, object>();
        }

        if (type.IsSZArray && type != typeof(byte[]))
        {
            return Make(typeof(IndexedArrayFormatter<>), type.GetElementType()!);
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        if (definition == typeof(List<>) || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
            || definition == typeof(IReadOnlyList<>) || definition == typeof(ICollection<>) || definition == typeof(IList<>))
        {
            return Make(typeof(IndexedSequenceFormatter<,>), type, arguments[0]);
        }

        if (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
        {
            return Make(typeof(KeyedDictionaryFormatter<,,>), type, arguments[0], arguments[1]);
        }

        return null;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "Tino's own formatter types, whose constructors the generated code keeps.")]
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Tino's own formatter types, whose constructors the generated code keeps.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded: without dynamic code it throws rather than make the type.")]
    private static object Make(Type formatter, params Type[] arguments)
    {
        var type = formatter.MakeGenericType(arguments);
        return RuntimeFeature.IsDynamicCodeSupported ? Activator.CreateInstance(type)! : throw NotGenerated(arguments[^1]);
    }

    private static FormatterNotRegisteredException NotGenerated(Type type) =>
        new($"Tino has no formatter for {type.FullName ?? type.Name}: under Native AOT, Tino formats the types that Tino.Generators "
            + "writes formatters for, those that the C# builder's Command and MapService calls and client.CreateProxy<T>() use.");
}
