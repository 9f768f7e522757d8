using System.Buffers;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using MessagePack;

namespace Tino.Serialization;

/// <summary>How a <see cref="WireShape"/> is read off a type, in the order <see cref="TinoResolver"/> chooses formatters.</summary>
internal sealed partial class WireShape
{
    // Microsoft.FSharp.Core.SourceConstructFlags, read by value so that Tino.Core needs no FSharp.Core reference.
    private const int SumType = 1;
    private const int Field = 4;
    private const int UnionCase = 8;
    private const int KindMask = 31;

    private static WireShape Build(Type type, Dictionary<Type, WireShape> building)
    {
        if (s_shapes.TryGetValue(type, out var known) || building.TryGetValue(type, out known))
        {
            return known;
        }
        var simple = Simple(type);
        if (simple is not null)
        {
            return building[type] = new WireShape(simple.Value, type);
        }
        if (OptionalValue(type) is { } underlying)
        {
            var nullable = building[type] = new WireShape(WireKind.Nullable, type);
            nullable.Element = Build(underlying, building);
            return nullable;
        }
        if (type.IsEnum)
        {
            return building[type] = new WireShape(WireKind.Enum, type) { Members = EnumMembers(type) };
        }
        if (TupleItems(type) is { } items)
        {
            var tuple = building[type] = new WireShape(WireKind.Tuple, type);
            tuple.Items = items.Select(item => Build(item, building)).ToArray();
            return tuple;
        }
        return Collection(type, building) ?? Union(type, building) ?? Record(type, building) ?? (building[type] = new WireShape(WireKind.Any, type));
    }

    /// <summary>The value type inside <c>Nullable&lt;T&gt;</c>, F# <c>option</c> or <c>voption</c>.</summary>
    private static Type? OptionalValue(Type type) =>
        Nullable.GetUnderlyingType(type)
        ?? (type.IsGenericType && type.GetGenericTypeDefinition().FullName is "Microsoft.FSharp.Core.FSharpOption`1" or "Microsoft.FSharp.Core.FSharpValueOption`1"
            ? type.GetGenericArguments()[0]
            : null);

    private static WireKind? Simple(Type type)
    {
        if (type == typeof(void) || type.FullName == "Microsoft.FSharp.Core.Unit")
        {
            return WireKind.Nil;
        }
        if (type.IsEnum)
        {
            return null;
        }
        if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>)
            || type == typeof(ArraySegment<byte>) || type == typeof(ReadOnlySequence<byte>))
        {
            return WireKind.Bin;
        }
        return Type.GetTypeCode(type) switch
        {
            TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32
                or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => WireKind.Integer,
            TypeCode.Single or TypeCode.Double => WireKind.Float,
            TypeCode.Boolean => WireKind.Bool,
            TypeCode.String or TypeCode.Char => WireKind.String,
            TypeCode.Decimal => WireKind.Decimal,
            TypeCode.DateTime => WireKind.Timestamp,
            _ when type == typeof(DateTimeOffset) => WireKind.Timestamp,
            _ when type == typeof(Guid) => WireKind.String,
            _ when type == typeof(TimeSpan) => WireKind.Integer,
            _ when type == typeof(object) || type.IsDefined(typeof(MessagePackFormatterAttribute), false) => WireKind.Any,
            _ => null,
        };
    }

    private static KeyValuePair<string, long>[] EnumMembers(Type type)
    {
        var unsigned = Type.GetTypeCode(Enum.GetUnderlyingType(type)) == TypeCode.UInt64;
        return Enum.GetNames(type)
            .Select(name => (Name: name, Value: Enum.Parse(type, name)))
            .Select(m => new KeyValuePair<string, long>(m.Name, unsigned ? unchecked((long)Convert.ToUInt64(m.Value, null)) : Convert.ToInt64(m.Value, null)))
            .ToArray();
    }

    private static List<Type>? TupleItems(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(KeyValuePair<,>))
        {
            return [.. type.GetGenericArguments()];
        }
        if (!typeof(ITuple).IsAssignableFrom(type) || definition.Namespace != "System" || !definition.Name.Contains("Tuple`", StringComparison.Ordinal))
        {
            return null;
        }
        var items = new List<Type>();
        for (var current = type; ;)
        {
            var arguments = current.GetGenericArguments();
            if (arguments.Length < 8)
            {
                items.AddRange(arguments);
                return items;
            }
            items.AddRange(arguments[..7]);
            current = arguments[7];
        }
    }

    private static WireShape? Collection(Type type, Dictionary<Type, WireShape> building)
    {
        if (type.IsArray)
        {
            return Sequence(type, type.GetElementType()!, building);
        }
        if ((WireTypeNames.FindGeneric(type, typeof(IDictionary<,>)) ?? WireTypeNames.FindGeneric(type, typeof(IReadOnlyDictionary<,>))) is { } dictionary)
        {
            var arguments = dictionary.GetGenericArguments();
            var map = building[type] = new WireShape(WireKind.Map, type);
            map.Key = Build(arguments[0], building);
            map.Element = Build(arguments[1], building);
            return map;
        }
        if (typeof(IDictionary).IsAssignableFrom(type))
        {
            var map = building[type] = new WireShape(WireKind.Map, type);
            map.Key = map.Element = Build(typeof(object), building);
            return map;
        }
        if (WireTypeNames.FindGeneric(type, typeof(IEnumerable<>)) is { } sequence)
        {
            return Sequence(type, sequence.GetGenericArguments()[0], building);
        }
        return typeof(IEnumerable).IsAssignableFrom(type) ? Sequence(type, typeof(object), building) : null;
    }

    private static WireShape Sequence(Type type, Type element, Dictionary<Type, WireShape> building)
    {
        var array = building[type] = new WireShape(WireKind.Array, type);
        array.Element = Build(element, building);
        return array;
    }

    private static WireShape? Union(Type type, Dictionary<Type, WireShape> building)
    {
        if (Mapping(type) is [var flags, ..] && (flags & KindMask) == SumType)
        {
            var union = building[type] = new WireShape(WireKind.Union, type);
            union.Cases = FSharpCases(type, building);
            return union;
        }
        var attributes = type.GetCustomAttributes<UnionAttribute>(false).ToArray();
        if (attributes.Length == 0)
        {
            return null;
        }
        var shape = building[type] = new WireShape(WireKind.Union, type);
        shape.Cases = attributes
            .OrderBy(a => a.Key)
            .Select(a => new WireCase(a.Key, a.SubType.Name, Build(a.SubType, building).Fields))
            .ToArray();
        return shape;
    }

    /// <summary>An F# union's cases: tags from the <c>New&lt;Case&gt;</c> methods and case properties, fields from the case classes.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "F# unions: the F# front, which does not run under Native AOT.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "F# unions: the F# front, which does not run under Native AOT.")]
    private static WireCase[] FSharpCases(Type type, Dictionary<Type, WireShape> building)
    {
        var names = new SortedDictionary<int, string>();
        foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Static))
        {
            if (Mapping(member) is [var flags, var tag, ..] && (flags & KindMask) == UnionCase)
            {
                // NewCircle(...) for a case with fields; a property Red (and its getter get_Red) for one without.
                names.TryAdd(tag, member.Name.StartsWith("get_", StringComparison.Ordinal) ? member.Name[4..]
                    : member is MethodInfo && member.Name.StartsWith("New", StringComparison.Ordinal) ? member.Name[3..]
                    : member.Name);
            }
        }
        var fields = new List<(int Tag, int Index, PropertyInfo Property)>();
        foreach (var holder in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).Prepend(type))
        {
            foreach (var property in holder.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                switch (Mapping(property))
                {
                    case [var flags, var tag, var index] when (flags & KindMask) == Field:
                        fields.Add((tag, index, property));
                        break;
                    case [var flags, var index] when (flags & KindMask) == Field:
                        fields.Add((0, index, property));
                        break;
                }
            }
        }
        return names
            .Select(pair => new WireCase(pair.Key, pair.Value, fields
                .Where(f => f.Tag == pair.Key)
                .DistinctBy(f => f.Index) // the compiler's debugger proxies repeat the case classes' fields
                .OrderBy(f => f.Index)
                .Select(f => new WireField(f.Property.Name, Build(f.Property.PropertyType, building), Required: true))
                .ToArray()))
            .ToArray();
    }

    /// <summary>The integer arguments of F#'s <c>CompilationMappingAttribute</c> on <paramref name="member"/>, if it has one.</summary>
    private static int[]? Mapping(MemberInfo member) =>
        member.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "Microsoft.FSharp.Core.CompilationMappingAttribute")
            .Select(a => a.ConstructorArguments.Select(argument => argument.Value is int value ? value : -1).ToArray())
            .FirstOrDefault();

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "TINO.SCHEMA describes the types of the app's commands: generated formatters keep their public members (GeneratedFormatters.Object), and a member the trimmer removed is one no formatter writes.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "TINO.SCHEMA describes the types of the app's commands: generated formatters keep their public members (GeneratedFormatters.Object), and a member the trimmer removed is one no formatter writes.")]
    private static WireShape? Record(Type type, Dictionary<Type, WireShape> building)
    {
        if (!ObjectLayout.Accepts(type)
            || type.GetCustomAttribute<MessagePackObjectAttribute>() is { KeyAsPropertyName: false } && type.GetProperties().Any(p => p.GetCustomAttribute<KeyAttribute>()?.IntKey is not null))
        {
            return null;
        }
        ObjectLayout layout;
        try
        {
            layout = ObjectLayout.Analyze(type);
        }
        catch (FormatterNotRegisteredException)
        {
            return null;
        }
        var record = building[type] = new WireShape(WireKind.Record, type);
        record.Fields = layout.Members
            .Select(m => new WireField(m.WireName, Build(m.Type, building), m.Required))
            .ToArray();
        return record;
    }
}
