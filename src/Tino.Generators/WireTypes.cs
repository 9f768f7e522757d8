using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Tino.Generators;

/// <summary>A formatter to register: the type it formats, and the body of the method that makes it.</summary>
internal sealed record WireRegistration(string Type, string Body);

/// <summary>A type the generator cannot write a formatter for, and why.</summary>
internal sealed record UnsupportedType(string Type, string Reason);

/// <summary>
/// Walks the types a handler sends and receives, and everything inside them, choosing for each the formatter that
/// <c>Tino.Serialization.TinoResolver</c> would build by reflection: the types it formats without reflection need
/// nothing; arrays, lists, dictionaries, nullables, enums and <c>[Union]</c> types get Tino's formatters made for
/// their type arguments; records, classes and structs get an object formatter laid out as <c>ObjectLayout</c> lays
/// them out (see <see cref="ObjectRegistration"/>).
/// </summary>
internal sealed class WireTypes(Compilation compilation)
{
    private const string Formatters = "global::Tino.Serialization.GeneratedFormatters";

    private static readonly HashSet<string> s_builtin =
    [
        "byte[]", "System.Guid", "System.TimeSpan", "System.DateTimeOffset", "System.Uri", "System.Version",
        "System.Numerics.BigInteger", "System.Numerics.Complex", "System.ReadOnlyMemory<byte>", "System.Memory<byte>",
        "System.ArraySegment<byte>", "System.Buffers.ReadOnlySequence<byte>", "System.Text.StringBuilder",
        "System.Collections.BitArray", "System.DateOnly", "System.TimeOnly", "Tino.Serialization.RawMessagePack",
    ];

    private static readonly HashSet<string> s_sequences =
    [
        "System.Collections.Generic.List<T>", "System.Collections.Generic.IEnumerable<T>", "System.Collections.Generic.IReadOnlyCollection<T>",
        "System.Collections.Generic.IReadOnlyList<T>", "System.Collections.Generic.ICollection<T>", "System.Collections.Generic.IList<T>",
    ];

    private static readonly HashSet<string> s_dictionaries =
    [
        "System.Collections.Generic.Dictionary<TKey, TValue>", "System.Collections.Generic.IDictionary<TKey, TValue>",
        "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>",
    ];

    /// <summary>Why a type nobody sends may show up: a service parameter the container provides, which is not marked.</summary>
    private const string ServiceHint = "; if the container provides it, mark the parameter [FromServices]";

    private readonly HashSet<ITypeSymbol> _seen = new(SymbolEqualityComparer.Default);

    /// <summary>The formatters to register, inner types first.</summary>
    public List<WireRegistration> Registrations { get; } = [];

    /// <summary>The types met that only reflection can format.</summary>
    public List<UnsupportedType> Unsupported { get; } = [];

    /// <summary>Adds what <paramref name="type"/> and the types inside it need.</summary>
    public void Visit(ITypeSymbol type)
    {
        if (type is IErrorTypeSymbol or ITypeParameterSymbol || !_seen.Add(type) || IsBuiltin(type))
        {
            return;
        }
        var name = Code.TypeName(type);
        if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
        {
            Unsupported.Add(new UnsupportedType(name, "it is not accessible to generated code in this assembly"));
            return;
        }
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            Register(name, $"{Formatters}.Nullable<{Code.TypeName(nullable.TypeArguments[0])}>()", nullable.TypeArguments[0]);
        }
        else if (type is IArrayTypeSymbol array)
        {
            if (array.Rank != 1)
            {
                Unsupported.Add(new UnsupportedType(name, "multi-dimensional arrays have no formatter"));
                return;
            }
            Register(name, $"{Formatters}.Array<{Code.TypeName(array.ElementType)}>()", array.ElementType);
        }
        else if (type is INamedTypeSymbol { IsGenericType: true } generic && s_sequences.Contains(generic.OriginalDefinition.ToDisplayString()))
        {
            Register(name, $"{Formatters}.Sequence<{name}, {Code.TypeName(generic.TypeArguments[0])}>()", generic.TypeArguments[0]);
        }
        else if (type is INamedTypeSymbol { IsGenericType: true } map && s_dictionaries.Contains(map.OriginalDefinition.ToDisplayString()))
        {
            Register(name, $"{Formatters}.Dictionary<{name}, {Code.TypeName(map.TypeArguments[0])}, {Code.TypeName(map.TypeArguments[1])}>()", map.TypeArguments[0], map.TypeArguments[1]);
        }
        else if (type.TypeKind == TypeKind.Enum)
        {
            Register(name, $"{Formatters}.Enum<{name}>()");
        }
        else if (HasAttribute(type, "MessagePack.MessagePackFormatterAttribute"))
        {
            // Its own formatter, which MessagePack-CSharp makes from the attribute.
        }
        else if (!type.IsValueType && UnionCases(type) is { Count: > 0 } cases)
        {
            var listed = string.Join(", ", cases.Select(c => $"{Formatters}.Case<{name}, {Code.TypeName(c.Type)}>({c.Tag})"));
            Register(name, $"{Formatters}.Union<{name}>({listed})", [.. cases.Select(c => c.Type)]);
        }
        else if (HasAttribute(type, "MessagePack.MessagePackObjectAttribute"))
        {
            Unsupported.Add(new UnsupportedType(name, "[MessagePackObject] types go through MessagePack-CSharp's dynamic resolver, which emits code at run time; drop the attribute to let Tino lay the type out"));
        }
        else if (type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Microsoft.FSharp.Core.CompilationMappingAttribute"))
        {
            Unsupported.Add(new UnsupportedType(name, "F# types are formatted by reflection"));
        }
        else if (type.AllInterfaces.Any(i => i.ToDisplayString() is "System.IDisposable" or "System.IAsyncDisposable"))
        {
            // A service taken for data: the app's build refuses the parameter and says why.
        }
        else if (IsFramework(type))
        {
            Unsupported.Add(new UnsupportedType(name, $"it is a framework type that no formatter of Tino's handles{ServiceHint}"));
        }
        else if (ObjectRegistration.Accepts(type, compilation))
        {
            var layout = ObjectRegistration.Write((INamedTypeSymbol)type, compilation, out var reason, out var members);
            if (layout is null)
            {
                Unsupported.Add(new UnsupportedType(name, reason!));
                return;
            }
            Register(name, layout, [.. members]);
        }
        else
        {
            Unsupported.Add(new UnsupportedType(name, $"no formatter for it works without code generated at run time{ServiceHint}"));
        }
    }

    private void Register(string type, string body, params ITypeSymbol[] inner)
    {
        foreach (var element in inner)
        {
            Visit(element);
        }
        Registrations.Add(new WireRegistration(type, body.StartsWith("{") ? body : $"=> {body};"));
    }

    private static bool IsBuiltin(ITypeSymbol type) =>
        type.SpecialType is >= SpecialType.System_Object and <= SpecialType.System_String or SpecialType.System_DateTime
        || s_builtin.Contains(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString())
        || type.ToDisplayString() == "Microsoft.FSharp.Core.Unit";

    private static bool IsFramework(ITypeSymbol type)
    {
        var root = type.ContainingNamespace;
        while (root is { ContainingNamespace.IsGlobalNamespace: false })
        {
            root = root.ContainingNamespace;
        }
        return root?.Name is "System" or "Microsoft";
    }

    private static bool HasAttribute(ITypeSymbol type, string attribute) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attribute);

    /// <summary>The cases that a type's <c>[Union(tag, typeof(Case))]</c> attributes name.</summary>
    private static List<(int Tag, ITypeSymbol Type)> UnionCases(ITypeSymbol type) =>
        [.. type.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == "MessagePack.UnionAttribute" && a.ConstructorArguments.Length == 2)
            .Where(a => a.ConstructorArguments[0].Value is int && a.ConstructorArguments[1].Value is ITypeSymbol)
            .Select(a => ((int)a.ConstructorArguments[0].Value!, (ITypeSymbol)a.ConstructorArguments[1].Value!))];
}
