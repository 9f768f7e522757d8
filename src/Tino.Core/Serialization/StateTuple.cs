using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;

namespace Tino.Serialization;

/// <summary>
/// The decoding state of an object formatter: a value tuple with one typed slot per decoded member, nested through
/// <c>Rest</c> past seven, so decoded values wait for the constructor on the stack without boxing.
/// </summary>
[RequiresUnreferencedCode(ReflectionBinding.Formatters)]
[RequiresDynamicCode(ReflectionBinding.Formatters)]
internal static class StateTuple
{
    private const int ItemsPerLevel = 7;

    private static readonly Type[] s_tuples =
    [
        typeof(ValueTuple<>), typeof(ValueTuple<,>), typeof(ValueTuple<,,>), typeof(ValueTuple<,,,>),
        typeof(ValueTuple<,,,,>), typeof(ValueTuple<,,,,,>), typeof(ValueTuple<,,,,,,>),
    ];

    /// <summary>The state type holding values of <paramref name="slotTypes"/>, in order.</summary>
    public static Type Make(ReadOnlySpan<Type> slotTypes)
    {
        if (slotTypes.IsEmpty)
        {
            return typeof(ValueTuple);
        }

        if (slotTypes.Length <= ItemsPerLevel)
        {
            return s_tuples[slotTypes.Length - 1].MakeGenericType(slotTypes.ToArray());
        }

        return typeof(ValueTuple<,,,,,,,>).MakeGenericType([.. slotTypes[..ItemsPerLevel], Make(slotTypes[ItemsPerLevel..])]);
    }

    /// <summary>The field of <paramref name="state"/> that holds slot <paramref name="slot"/>.</summary>
    public static Expression Slot(Expression state, int slot)
    {
        var level = state;
        for (var i = 0; i < slot / ItemsPerLevel; i++)
        {
            level = Expression.Field(level, "Rest");
        }

        return Expression.Field(level, $"Item{(slot % ItemsPerLevel) + 1}");
    }
}
