using System.Diagnostics.CodeAnalysis;

namespace Tino.Pipeline;

/// <summary>What a handler's result carries: which results are streams (<see cref="IAsyncEnumerable{T}"/>, or a task of one), and the type of the reply.</summary>
internal static class StreamShape
{
    /// <summary>
    /// The item type when <paramref name="resultType"/> is a stream: <see cref="IAsyncEnumerable{T}"/> (or a type that
    /// implements it), <see cref="Task{T}"/> or <see cref="ValueTask{T}"/> of <see cref="IAsyncEnumerable{T}"/>; otherwise null.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "A type returned as IAsyncEnumerable<T> keeps that interface; a result declared as IAsyncEnumerable<T>, or a task of one, needs none.")]
    public static Type? ItemType(Type resultType)
    {
        ArgumentNullException.ThrowIfNull(resultType);
        if (IsTaskOf(resultType, out var inner))
        {
            return IsAsyncEnumerable(inner) ? inner.GetGenericArguments()[0] : null;
        }
        if (IsAsyncEnumerable(resultType))
        {
            return resultType.GetGenericArguments()[0];
        }
        var implemented = resultType.GetInterfaces().Where(IsAsyncEnumerable).ToArray();
        return implemented.Length == 1 ? implemented[0].GetGenericArguments()[0] : null;
    }

    /// <summary>The type a handler's reply carries: its return type with any task unwrapped; void for none; a stream's item type.</summary>
    public static Type ReplyType(Type resultType) =>
        ItemType(resultType) is { } item ? item
        : resultType == typeof(Task) || resultType == typeof(ValueTask) ? typeof(void)
        : IsTaskOf(resultType, out var inner) ? inner
        : resultType;

    public static bool IsTaskOf(Type type, out Type inner)
    {
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
        inner = definition == typeof(Task<>) || definition == typeof(ValueTask<>) ? type.GetGenericArguments()[0] : type;
        return inner != type;
    }

    private static bool IsAsyncEnumerable(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>);
}
