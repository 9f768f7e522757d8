using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Tino.Generators;

/// <summary>
/// Writes the object formatter of a record, class or struct, laid out by the rules that <c>ObjectLayout</c> applies by
/// reflection, so that both make the same formatter: public instance properties with a public getter, then public
/// fields, base types first, in declaration order; <c>[IgnoreMember]</c> and <c>[IgnoreDataMember]</c> left out; the
/// wire name from <c>[DataMember(Name)]</c>, <c>[Key("...")]</c> or the <c>WireNaming</c> policy (read at run time);
/// the public constructor with the most parameters that all match members; a member required when it is decoded and
/// neither nullable nor defaulted.
/// </summary>
internal static class ObjectRegistration
{
    private const string Formatters = "global::Tino.Serialization.GeneratedFormatters";
    private const int ItemsPerLevel = 7;

    /// <summary>Whether the object formatter takes <paramref name="type"/> (as <c>ObjectLayout.Accepts</c> decides).</summary>
    public static bool Accepts(ITypeSymbol type, Compilation compilation) =>
        type is INamedTypeSymbol { IsAbstract: false, TypeKind: TypeKind.Class or TypeKind.Struct, IsRefLikeType: false, IsUnboundGenericType: false } named
        && !named.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable)
        && !named.IsStatic
        && compilation.IsSymbolAccessibleWithin(named, compilation.Assembly);

    /// <summary>The body of the method that makes <paramref name="type"/>'s formatter, or null with the reason it cannot be written.</summary>
    public static string? Write(INamedTypeSymbol type, Compilation compilation, out string? reason, out List<ITypeSymbol> memberTypes)
    {
        var members = CollectMembers(type);
        memberTypes = [.. members.Select(TypeOf)];
        var constructor = ChooseConstructor(type, members, out var parameters);
        if (constructor is null && !type.IsValueType)
        {
            reason = "it has no public parameterless constructor and no public constructor whose parameters all match its public members by name and type";
            return null;
        }
        var name = Code.TypeName(type);
        var needsAccessors = type.IsGenericType || type.ContainingType is { IsGenericType: true };
        var decoded = members.Where(m => CanSet(m) || parameters.ContainsKey(m)).ToList();
        if (needsAccessors && (decoded.Any(m => IsInitOnly(m) && !parameters.ContainsKey(m)) || HasRequiredMembers(type)))
        {
            reason = "a generic type with init-only or required members is made by reflection";
            return null;
        }
        var state = StateType([.. decoded.Select(m => Code.TypeName(TypeOf(m)))]);
        var body = new StringBuilder("{\n");
        var entries = new StringBuilder();
        var defaults = new List<string>();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            var memberType = TypeOf(member);
            var memberName = Code.TypeName(memberType);
            parameters.TryGetValue(member, out var parameter);
            var slot = decoded.IndexOf(member);
            var allowsNil = !memberType.IsValueType
                && (NullableOf(member) == NullableAnnotation.Annotated || parameter?.NullableAnnotation == NullableAnnotation.Annotated);
            var optional = allowsNil || memberType.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T || parameter is { HasExplicitDefaultValue: true };
            var required = slot >= 0 && !optional;
            var access = Code.Identifier(member.Name);
            var store = slot < 0 ? "null" : $"static (ref {state} state, {memberName} value) => state.{Slot(slot)} = value";
            var assign = "null";
            if (slot >= 0 && parameter is null)
            {
                if (IsInitOnly(member))
                {
                    body.Append($"            [global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Method, Name = \"set_{member.Name}\")]\n");
                    body.Append($"            static extern void Set{i}({(type.IsValueType ? "ref " : "")}{name} target, {memberName} value);\n");
                    assign = $"static (ref {name} target, ref {state} state) => Set{i}({(type.IsValueType ? "ref " : "")}target, state.{Slot(slot)})";
                }
                else
                {
                    assign = $"static (ref {name} target, ref {state} state) => target.{access} = state.{Slot(slot)}";
                }
            }
            if (parameter is { HasExplicitDefaultValue: true, ExplicitDefaultValue: { } value })
            {
                defaults.Add($"state.{Slot(slot)} = {Code.Constant(value, memberType)};");
            }
            entries.Append($"""
                                    {Formatters}.Member<{name}, {state}, {memberName}>(
                                        {WireName(type, member)}, {Code.Bool(required)}, {Code.Bool(!memberType.IsValueType && !allowsNil)},
                                        static (ref {name} target) => target.{access},
                                        {store},
                                        {assign}),

                """);
        }
        var construct = Construct(type, constructor, parameters, decoded, body);
        var initialize = defaults.Count == 0 ? "null" : $"static (ref {state} state) => {{ {string.Join(" ", defaults)} }}";
        body.Append($$"""
                        return {{Formatters}}.Object<{{name}}, {{state}}>(
                            [
            {{entries}}                ],
                            {{construct}},
                            {{initialize}});
                    }
            """);
        reason = null;
        return body.ToString();
    }

    private static string Construct(INamedTypeSymbol type, IMethodSymbol? constructor, Dictionary<ISymbol, IParameterSymbol> parameters, List<ISymbol> decoded, StringBuilder body)
    {
        var name = Code.TypeName(type);
        var state = StateType([.. decoded.Select(m => Code.TypeName(TypeOf(m)))]);
        if (constructor is null)
        {
            return $"static (ref {state} state) => default({name})";
        }
        var slotOf = parameters.ToDictionary(p => p.Value, p => decoded.IndexOf(p.Key), SymbolEqualityComparer.Default);
        var arguments = string.Join(", ", constructor.Parameters.Select(p => $"state.{Slot(slotOf[p])}"));
        if (!HasRequiredMembers(type))
        {
            return $"static (ref {state} state) => new {name}({arguments})";
        }
        // The constructor called as a method: C# would ask the call to set the required members, which decoding sets after it.
        var declared = string.Join(", ", constructor.Parameters.Select(p => Code.TypeName(p.Type)));
        body.Append("            [global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Constructor)]\n");
        body.Append($"            static extern {name} Construct({declared});\n");
        return $"static (ref {state} state) => Construct({arguments})";
    }

    private static string WireName(INamedTypeSymbol type, ISymbol member)
    {
        var explicitName = member.GetAttributes()
            .Select(a => a.AttributeClass?.ToDisplayString() switch
            {
                "System.Runtime.Serialization.DataMemberAttribute" => a.NamedArguments.FirstOrDefault(n => n.Key == "Name").Value.Value as string,
                _ => null,
            })
            .FirstOrDefault(n => n is not null)
            ?? member.GetAttributes()
                .Where(a => a.AttributeClass?.ToDisplayString() == "MessagePack.KeyAttribute" && a.ConstructorArguments.Length == 1)
                .Select(a => a.ConstructorArguments[0].Value as string)
                .FirstOrDefault(n => n is not null);
        return explicitName is not null
            ? Code.Literal(explicitName)
            : $"global::Tino.Serialization.WireNamingAttribute.WireNameOf(typeof({Code.TypeName(type)}), {Code.Literal(member.Name)})";
    }

    /// <summary>The public data members, base types first, a redeclared member keeping its base position.</summary>
    private static List<ISymbol> CollectMembers(INamedTypeSymbol type)
    {
        var hierarchy = new List<INamedTypeSymbol>();
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            hierarchy.Insert(0, current);
        }
        var members = new List<ISymbol>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var level in hierarchy)
        {
            var declared = level.GetMembers().OfType<IPropertySymbol>()
                .Where(p => !p.IsStatic && !p.IsIndexer && p.GetMethod is { DeclaredAccessibility: Accessibility.Public })
                .Cast<ISymbol>()
                .Concat(level.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst && f.DeclaredAccessibility == Accessibility.Public && !f.IsImplicitlyDeclared));
            foreach (var member in declared.Where(m => !IsIgnored(m) && IsSerializable(TypeOf(m))))
            {
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

    private static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, List<ISymbol> members, out Dictionary<ISymbol, IParameterSymbol> parameters)
    {
        foreach (var constructor in type.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).OrderByDescending(c => c.Parameters.Length))
        {
            if (TryMatch(constructor, members, out parameters))
            {
                return constructor.Parameters.Length == 0 && type.IsValueType ? null : constructor;
            }
        }
        parameters = new Dictionary<ISymbol, IParameterSymbol>(SymbolEqualityComparer.Default);
        return null;
    }

    private static bool TryMatch(IMethodSymbol constructor, List<ISymbol> members, out Dictionary<ISymbol, IParameterSymbol> parameters)
    {
        parameters = new Dictionary<ISymbol, IParameterSymbol>(SymbolEqualityComparer.Default);
        foreach (var parameter in constructor.Parameters)
        {
            var candidates = members.Where(m => string.Equals(m.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            var member = candidates.Count == 1 ? candidates[0] : candidates.FirstOrDefault(m => m.Name == parameter.Name);
            if (member is null || !SymbolEqualityComparer.Default.Equals(TypeOf(member), parameter.Type) || parameters.ContainsKey(member))
            {
                return false;
            }
            parameters.Add(member, parameter);
        }
        return true;
    }

    /// <summary>The decoding state: a value tuple of the slot types, nested through <c>Rest</c> past seven.</summary>
    private static string StateType(IReadOnlyList<string> slots)
    {
        if (slots.Count == 0)
        {
            return "global::System.ValueTuple";
        }
        if (slots.Count <= ItemsPerLevel)
        {
            return $"global::System.ValueTuple<{string.Join(", ", slots)}>";
        }
        return $"global::System.ValueTuple<{string.Join(", ", slots.Take(ItemsPerLevel))}, {StateType([.. slots.Skip(ItemsPerLevel)])}>";
    }

    private static string Slot(int slot) =>
        string.Concat(Enumerable.Repeat("Rest.", slot / ItemsPerLevel)) + $"Item{(slot % ItemsPerLevel) + 1}";

    private static ITypeSymbol TypeOf(ISymbol member) => member is IPropertySymbol property ? property.Type : ((IFieldSymbol)member).Type;

    private static NullableAnnotation NullableOf(ISymbol member) =>
        member is IPropertySymbol property ? property.NullableAnnotation : ((IFieldSymbol)member).NullableAnnotation;

    private static bool CanSet(ISymbol member) => member switch
    {
        IPropertySymbol property => property.SetMethod is { DeclaredAccessibility: Accessibility.Public },
        IFieldSymbol field => !field.IsReadOnly,
        _ => false,
    };

    private static bool IsInitOnly(ISymbol member) => member is IPropertySymbol { SetMethod.IsInitOnly: true };

    private static bool HasRequiredMembers(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsIgnored(ISymbol member) =>
        member.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is "MessagePack.IgnoreMemberAttribute" or "System.Runtime.Serialization.IgnoreDataMemberAttribute");

    private static bool IsSerializable(ITypeSymbol type) => type is not (IPointerTypeSymbol or IFunctionPointerTypeSymbol) && !type.IsRefLikeType;
}
