namespace Tino.Serialization;

/// <summary>What kind of MessagePack value a <see cref="WireShape"/> is.</summary>
internal enum WireKind
{
    /// <summary>Any value (<c>object</c>, or a type with its own formatter).</summary>
    Any,

    /// <summary>Always nil (<c>void</c>, F# <c>unit</c>).</summary>
    Nil,

    /// <summary>The inner shape, or nil (<c>Nullable&lt;T&gt;</c>, F# <c>option</c>).</summary>
    Nullable,

    /// <summary>A boolean.</summary>
    Bool,

    /// <summary>An integer of any width, or <c>TimeSpan</c> as ticks.</summary>
    Integer,

    /// <summary>A float32 or float64.</summary>
    Float,

    /// <summary>A string (also <c>char</c> and <c>Guid</c>).</summary>
    String,

    /// <summary>A decimal, written as a string.</summary>
    Decimal,

    /// <summary>A bin.</summary>
    Bin,

    /// <summary>The timestamp extension; ISO-8601 strings are accepted on input.</summary>
    Timestamp,

    /// <summary>An enum: its underlying integer.</summary>
    Enum,

    /// <summary>An array of one element shape.</summary>
    Array,

    /// <summary>An array of fixed positions (a tuple).</summary>
    Tuple,

    /// <summary>A map of one key shape and one value shape.</summary>
    Map,

    /// <summary>A map keyed by member name.</summary>
    Record,

    /// <summary><c>[tag, value]</c>: an F# union or a MessagePack <c>[Union]</c> type.</summary>
    Union,
}
