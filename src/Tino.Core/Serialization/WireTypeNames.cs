using System.Buffers;
using System.Collections.Concurrent;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Tino.Serialization;

/// <summary>
/// The <c>&lt;type&gt;</c> word of a <c>VALIDATION_ERROR</c> (PROTOCOL.md section 3): what a .NET type looks like on the wire.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>.NET</term><description>name</description></listheader>
/// <item><term><c>sbyte</c>, <c>byte</c>, <c>short</c>, <c>ushort</c>, <c>int</c>, <c>uint</c>, <c>long</c>, <c>ulong</c></term><description><c>int8</c>, <c>uint8</c>, <c>int16</c>, <c>uint16</c>, <c>int32</c>, <c>uint32</c>, <c>int64</c>, <c>uint64</c></description></item>
/// <item><term><c>float</c>, <c>double</c></term><description><c>float32</c>, <c>float64</c></description></item>
/// <item><term><c>bool</c>, <c>string</c>, <c>char</c>, <c>decimal</c></term><description><c>bool</c>, <c>string</c>, <c>char</c>, <c>decimal</c></description></item>
/// <item><term><c>Guid</c></term><description><c>uuid</c></description></item>
/// <item><term><c>DateTime</c>, <c>DateTimeOffset</c></term><description><c>timestamp</c></description></item>
/// <item><term><c>TimeSpan</c></term><description><c>timespan</c></description></item>
/// <item><term><c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>, <c>Memory&lt;byte&gt;</c>, <c>ArraySegment&lt;byte&gt;</c>, <c>ReadOnlySequence&lt;byte&gt;</c></term><description><c>bin</c></description></item>
/// <item><term><c>object</c></term><description><c>any</c></description></item>
/// <item><term><c>void</c>, F# <c>unit</c></term><description><c>nil</c></description></item>
/// <item><term><c>Nullable&lt;T&gt;</c>, F# <c>option</c>/<c>voption</c></term><description><c>T?</c>, e.g. <c>int32?</c></description></item>
/// <item><term>tuples, <c>KeyValuePair&lt;K,V&gt;</c></term><description><c>tuple&lt;T1,T2,...&gt;</c></description></item>
/// <item><term>dictionaries, F# <c>Map</c></term><description><c>map&lt;K,V&gt;</c> (<c>map&lt;any,any&gt;</c> when untyped)</description></item>
/// <item><term>arrays, lists, sets, sequences</term><description><c>array&lt;T&gt;</c> (<c>array&lt;any&gt;</c> when untyped)</description></item>
/// <item><term>enums</term><description>the enum's name (its value travels as the underlying integer)</description></item>
/// <item><term>records, classes, structs, unions</term><description>the type's name, generic arguments spelled with these names: <c>Page&lt;Note&gt;</c></description></item>
/// </list>
/// </remarks>
public static class WireTypeNames
{
    private static readonly ConcurrentDictionary<Type, string> s_names = new();

    /// <summary>The wire type name of <paramref name="type"/>; results are cached.</summary>
    /// <param name="type">Any .NET type.</param>
    /// <returns>A name such as <c>int32</c>, <c>array&lt;string&gt;</c> or <c>Note</c>.</returns>
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return s_names.TryGetValue(type, out var name) ? name : s_names.GetOrAdd(type, Compute(type));
    }

    private static string Compute(Type type)
    {
        if (type.IsByRef || type.IsPointer)
        {
            return Of(type.GetElementType()!);
        }

        if (type == typeof(void) || type.FullName == "Microsoft.FSharp.Core.Unit")
        {
            return "nil";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Of(underlying) + "?";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName is "Microsoft.FSharp.Core.FSharpOption`1" or "Microsoft.FSharp.Core.FSharpValueOption`1")
        {
            return Of(type.GetGenericArguments()[0]) + "?";
        }

        if (type.IsEnum)
        {
            return type.Name;
        }

        return Primitive(type) ?? Bin(type) ?? Tuple(type) ?? Collection(type) ?? Named(type);
    }

    private static string? Primitive(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.SByte => "int8",
        TypeCode.Byte => "uint8",
        TypeCode.Int16 => "int16",
        TypeCode.UInt16 => "uint16",
        TypeCode.Int32 => "int32",
        TypeCode.UInt32 => "uint32",
        TypeCode.Int64 => "int64",
        TypeCode.UInt64 => "uint64",
        TypeCode.Single => "float32",
        TypeCode.Double => "float64",
        TypeCode.Boolean => "bool",
        TypeCode.String => "string",
        TypeCode.Char => "char",
        TypeCode.Decimal => "decimal",
        TypeCode.DateTime => "timestamp",
        _ when type == typeof(DateTimeOffset) => "timestamp",
        _ when type == typeof(Guid) => "uuid",
        _ when type == typeof(TimeSpan) => "timespan",
        _ when type == typeof(object) => "any",
        _ => null,
    };

    private static string? Bin(Type type) =>
        type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>)
        || type == typeof(ArraySegment<byte>) || type == typeof(ReadOnlySequence<byte>)
            ? "bin"
            : null;

    private static string? Tuple(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(KeyValuePair<,>))
        {
            return Spell("tuple", type.GetGenericArguments());
        }

        if (!typeof(ITuple).IsAssignableFrom(type) || definition.Namespace != "System" || !definition.Name.Contains("Tuple`", StringComparison.Ordinal))
        {
            return null;
        }

        // Tuples of eight or more nest the rest in their last argument; the wire flattens them.
        var items = new List<Type>();
        for (var current = type; ; )
        {
            var arguments = current.GetGenericArguments();
            if (arguments.Length == 8)
            {
                items.AddRange(arguments[..7]);
                current = arguments[7];
                continue;
            }

            items.AddRange(arguments);
            break;
        }

        return Spell("tuple", items);
    }

    private static string? Collection(Type type)
    {
        if (type.IsArray)
        {
            return $"array<{Of(type.GetElementType()!)}>";
        }

        if ((FindGeneric(type, typeof(IDictionary<,>)) ?? FindGeneric(type, typeof(IReadOnlyDictionary<,>))) is { } dictionary)
        {
            return Spell("map", dictionary.GetGenericArguments());
        }

        if (typeof(IDictionary).IsAssignableFrom(type))
        {
            return "map<any,any>";
        }

        if (FindGeneric(type, typeof(IEnumerable<>)) is { } sequence)
        {
            return $"array<{Of(sequence.GetGenericArguments()[0])}>";
        }

        return typeof(IEnumerable).IsAssignableFrom(type) ? "array<any>" : null;
    }

    private static string Named(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick < 0 || !type.IsGenericType)
        {
            return name;
        }

        return type.IsGenericTypeDefinition ? name[..tick] : Spell(name[..tick], type.GetGenericArguments());
    }

    private static string Spell(string head, IEnumerable<Type> arguments) => $"{head}<{string.Join(",", arguments.Select(Of))}>";

    /// <summary>The closed form of a generic interface that <paramref name="type"/> is or implements, if any.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "An interface the trimmer removed from a type is one nothing uses it as, so nothing sends or receives the type as it.")]
    internal static Type? FindGeneric(Type type, Type definition)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
        {
            return type;
        }

        foreach (var candidate in type.GetInterfaces())
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == definition)
            {
                return candidate;
            }
        }

        return null;
    }
}
