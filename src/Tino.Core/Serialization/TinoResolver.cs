using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Tino.Serialization;

/// <summary>
/// Maps .NET types to the wire as PROTOCOL.md section 6b says. In order: a type's own
/// <c>[MessagePackFormatter]</c>; Tino's formatters (timestamps, compact doubles, one-character strings for
/// <c>char</c>, <c>object</c> as any value, <c>Nullable&lt;T&gt;</c>, F# <c>unit</c> as nil, and arrays, lists and dictionaries that locate a
/// bad element); MessagePack-CSharp's built-in, enum (underlying integer) and generic
/// (collections, tuples) resolvers; <c>[Union]</c> and <c>[MessagePackObject]</c> types; and last Tino's object
/// formatter for other classes, records and structs (a map keyed by member name, renamed by <c>[DataMember]</c>, <c>[Key]</c>
/// or a <see cref="WireNamingAttribute"/> policy).
/// </summary>
/// <remarks>
/// Formatters for members and elements are looked up through the options' resolver at each call, so a resolver
/// composed in front of this one (F# types, say) is used inside records and collections too.
/// </remarks>
public sealed partial class TinoResolver : IFormatterResolver
{
    /// <summary>The one instance; it holds no state besides its cache of formatters.</summary>
    public static readonly TinoResolver Instance = new();

    private TinoResolver()
    {
    }

    /// <summary>The formatter for <typeparamref name="T"/>, built and cached on first use; null when no formatter fits.</summary>
    /// <typeparam name="T">The type to serialize.</typeparam>
    /// <returns>The formatter, or null.</returns>
    /// <exception cref="FormatterNotRegisteredException">The type looks like a record but cannot be mapped (for example, no usable constructor); the message says why.</exception>
    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        Cache<T>.Formatter ?? (Cache<T>.Error is { } error ? throw new FormatterNotRegisteredException(error.Message) : null);

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter;
        public static readonly Exception? Error;

#pragma warning disable CA1810 // The formatter and the reason for its absence are set together, once.
        static Cache()
#pragma warning restore CA1810
        {
            try
            {
                Formatter = Create<T>();
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                Error = error;
            }
        }
    }
}
