using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using MessagePack;

namespace Tino.Serialization;

/// <summary>
/// Builds an <see cref="ObjectFormatter{T, TState}"/> for a type: lays it out by reflection once, then compiles its
/// getters, slot setters, constructor call and setters to delegates with expression trees.
/// </summary>
[RequiresUnreferencedCode(ReflectionBinding.Formatters)]
[RequiresDynamicCode(ReflectionBinding.Formatters)]
internal static class ObjectFormatterBuilder
{
    /// <summary>The object formatter for <paramref name="type"/>, or null when the type is not a record-like type.</summary>
    public static object? TryCreate(Type type)
    {
        if (!ObjectLayout.Accepts(type))
        {
            return null;
        }

        var layout = ObjectLayout.Analyze(type);
        var slotTypes = layout.Members.Where(m => m.IsDecoded).OrderBy(m => m.Slot).Select(m => m.Type).ToArray();
        var stateType = StateTuple.Make(slotTypes);
        var memberBase = typeof(ObjectMember<,>).MakeGenericType(type, stateType);
        var members = Array.CreateInstance(memberBase, layout.Members.Count);
        for (var i = 0; i < layout.Members.Count; i++)
        {
            members.SetValue(CreateMember(type, stateType, layout.Members[i]), i);
        }

        var formatterType = typeof(ObjectFormatter<,>).MakeGenericType(type, stateType);
        return Activator.CreateInstance(formatterType, members, CompileConstructor(layout, stateType), CompileInitializer(layout, stateType));
    }

    private static object CreateMember(Type type, Type stateType, ObjectMemberPlan plan)
    {
        var target = Expression.Parameter(type.MakeByRefType(), "target");
        var state = Expression.Parameter(stateType.MakeByRefType(), "state");
        var value = Expression.Parameter(plan.Type, "value");

        var get = Expression.Lambda(
            typeof(MemberGetter<,>).MakeGenericType(type, plan.Type),
            Expression.MakeMemberAccess(target, plan.Member),
            target).Compile();
        var store = plan.IsDecoded
            ? Expression.Lambda(
                typeof(SlotSetter<,>).MakeGenericType(stateType, plan.Type),
                Expression.Assign(StateTuple.Slot(state, plan.Slot), value),
                state,
                value).Compile()
            : null;
        var assign = plan.IsAssigned
            ? Expression.Lambda(
                typeof(MemberAssigner<,>).MakeGenericType(type, stateType),
                Expression.Assign(Expression.MakeMemberAccess(target, plan.Member), StateTuple.Slot(state, plan.Slot)),
                target,
                state).Compile()
            : null;

        var memberType = typeof(ObjectMemberOf<,,>).MakeGenericType(type, stateType, plan.Type);
        return Activator.CreateInstance(memberType, plan.WireName, plan.Required, plan.RejectNil, get, store, assign)!;
    }

    private static Delegate CompileConstructor(ObjectLayout layout, Type stateType)
    {
        var state = Expression.Parameter(stateType.MakeByRefType(), "state");
        Expression body;
        if (layout.Constructor is null)
        {
            body = Expression.Default(layout.Type);
        }
        else
        {
            var arguments = layout.Constructor.GetParameters()
                .Select(p => StateTuple.Slot(state, layout.Members.Single(m => m.Parameter == p).Slot));
            body = Expression.New(layout.Constructor, arguments);
        }

        return Expression.Lambda(typeof(ObjectConstructor<,>).MakeGenericType(stateType, layout.Type), body, state).Compile();
    }

    private static Delegate? CompileInitializer(ObjectLayout layout, Type stateType)
    {
        var state = Expression.Parameter(stateType.MakeByRefType(), "state");
        var defaults = layout.Members
            .Where(m => m.Parameter is { HasDefaultValue: true })
            .Select(m => (Expression)Expression.Assign(
                StateTuple.Slot(state, m.Slot),
                Expression.Constant(ObjectLayout.DefaultOf(m.Parameter!, m.Type), m.Type)))
            .ToList();
        return defaults.Count == 0
            ? null
            : Expression.Lambda(typeof(StateInitializer<>).MakeGenericType(stateType), Expression.Block(defaults), state).Compile();
    }
}
