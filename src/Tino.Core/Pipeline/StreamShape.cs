namespace Tino.Pipeline;

/// <summary>Which handler results are streams: <see cref="IAsyncEnumerable{T}"/>, or a task of one.</summary>
internal static class StreamShape
{
    /// <summary>
    /// The item type when <paramref name="resultType"/> is a stream: <see cref="IAsyncEnumerable{T}"/> (or a type that
    /// implements it), <see cref="Task{T}"/> or <see cref="ValueTask{T}"/> of <see cref="IAsyncEnumerable{T}"/>; otherwise null.
    /// </summary>
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

    public static bool IsTaskOf(Type type, out Type inner)
    {
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
        inner = definition == typeof(Task<>) || definition == typeof(ValueTask<>) ? type.GetGenericArguments()[0] : type;
        return inner != type;
    }

    private static bool IsAsyncEnumerable(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>);
}
