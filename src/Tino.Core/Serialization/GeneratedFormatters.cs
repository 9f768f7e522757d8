using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using MessagePack.Formatters;

namespace Tino.Serialization;

/// <summary>
/// Formatters that the code written by Tino.Generators registers when its assembly loads, one per type that a
/// handler's arguments, replies and stream items use, so that <see cref="TinoResolver"/> finds them without building
/// anything by reflection: what lets a server run as Native AOT. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedFormatters
{
    /// <summary>
    /// Makes the formatter that <paramref name="create"/> returns the one <see cref="TinoResolver"/> uses for
    /// <typeparamref name="T"/>, unless one was registered already. It is made when the type is first formatted, so
    /// that a type that cannot be laid out fails there, as a type laid out by reflection does, and not at start-up.
    /// </summary>
    /// <typeparam name="T">The type it formats.</typeparam>
    /// <param name="create">Makes the formatter.</param>
    public static void Register<T>(Func<IMessagePackFormatter<T>> create) => Registered<T>.Create ??= create;

    /// <summary>The formatter of <c>T[]</c>: an array, a bad element located at its index.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <returns>The formatter.</returns>
    public static IMessagePackFormatter<T[]?> Array<T>() => new IndexedArrayFormatter<T>();

    /// <summary>The formatter of a list or sequence interface of <typeparamref name="T"/>: an array, decoded as a <c>List&lt;T&gt;</c>.</summary>
    /// <typeparam name="TSequence">The list type.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <returns>The formatter.</returns>
    public static IMessagePackFormatter<TSequence?> Sequence<TSequence, T>()
        where TSequence : class, IEnumerable<T> => new IndexedSequenceFormatter<TSequence, T>();

    /// <summary>The formatter of a dictionary or dictionary interface: a map, decoded as a <c>Dictionary&lt;TKey, TValue&gt;</c>.</summary>
    /// <typeparam name="TDictionary">The dictionary type.</typeparam>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <returns>The formatter.</returns>
    public static IMessagePackFormatter<TDictionary?> Dictionary<TDictionary, TKey, TValue>()
        where TDictionary : class, IEnumerable<KeyValuePair<TKey, TValue>>
        where TKey : notnull => new KeyedDictionaryFormatter<TDictionary, TKey, TValue>();

    /// <summary>The formatter of <c>T?</c> for a value type: nil or the value.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <returns>The formatter.</returns>
    public static IMessagePackFormatter<T?> Nullable<T>()
        where T : struct => new NilOrValueFormatter<T>();

    /// <summary>The formatter of an enum: its underlying integer.</summary>
    /// <typeparam name="T">The enum.</typeparam>
    /// <returns>The formatter.</returns>
    public static IMessagePackFormatter<T> Enum<T>()
        where T : struct, Enum => new EnumFormatter<T>();

    /// <summary>The formatter of a <c>[Union]</c> type: <c>[tag, value]</c>.</summary>
    /// <typeparam name="T">The union's base type.</typeparam>
    /// <param name="cases">Its cases, as its <c>[Union]</c> attributes list them.</param>
    /// <returns>The formatter.</returns>
    public static IMessagePackFormatter<T?> Union<T>(params UnionCase<T>[] cases)
        where T : class => new UnionFormatter<T>(cases);

    /// <summary>One case of a union.</summary>
    /// <typeparam name="T">The union's base type.</typeparam>
    /// <typeparam name="TCase">The case's type.</typeparam>
    /// <param name="tag">The case's tag.</param>
    /// <returns>The case.</returns>
    public static UnionCase<T> Case<T, TCase>(int tag)
        where T : class
        where TCase : T => new UnionCaseOf<T, TCase>(tag);

    /// <summary>
    /// The formatter of a record, class or struct: a map keyed by member name. The type's public members stay visible
    /// to reflection, because <c>TINO.SCHEMA</c> describes the type from them.
    /// </summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <typeparam name="TState">The decoding state: a value tuple with a slot per decoded member.</typeparam>
    /// <param name="members">Its members, in wire order.</param>
    /// <param name="construct">Makes it from the decoding state.</param>
    /// <param name="initialize">Fills the slots of constructor parameters that have default values, if any do.</param>
    /// <returns>The formatter.</returns>
    public static IMessagePackFormatter<T> Object<[DynamicallyAccessedMembers(ObjectLayout.ReadMembers)] T, TState>(
        ObjectMember<T, TState>[] members,
        ObjectConstructor<TState, T> construct,
        StateInitializer<TState>? initialize)
        where TState : struct
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw ObjectLayout.Unsupported(typeof(T), $"two members share the wire name \"{shared.Key}\"");
        }

        return new ObjectFormatter<T, TState>(members, construct, initialize);
    }

    /// <summary>One member of a record, class or struct.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <typeparam name="TState">The decoding state.</typeparam>
    /// <typeparam name="TMember">The member's type.</typeparam>
    /// <param name="wireName">Its map key.</param>
    /// <param name="isRequired">Whether input without it is an error.</param>
    /// <param name="rejectNil">Whether nil is an error for it.</param>
    /// <param name="get">Reads it.</param>
    /// <param name="store">Stores a decoded value in its slot; null when it is never decoded.</param>
    /// <param name="assign">Sets it on the constructed object from its slot; null when the constructor takes it or it is never decoded.</param>
    /// <returns>The member.</returns>
    public static ObjectMember<T, TState> Member<T, TState, TMember>(
        string wireName,
        bool isRequired,
        bool rejectNil,
        MemberGetter<T, TMember> get,
        SlotSetter<TState, TMember>? store,
        MemberAssigner<T, TState>? assign)
        where TState : struct => new ObjectMemberOf<T, TState, TMember>(wireName, isRequired, rejectNil, get, store, assign);

    /// <summary>The formatter registered for <typeparamref name="T"/>, if any.</summary>
    internal static IMessagePackFormatter<T>? For<T>() => Registered<T>.Create?.Invoke();

    private static class Registered<T>
    {
        public static Func<IMessagePackFormatter<T>>? Create;
    }
}
