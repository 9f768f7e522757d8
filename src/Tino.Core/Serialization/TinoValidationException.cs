using System.Collections.ObjectModel;

namespace Tino.Serialization;

/// <summary>
/// A decoded value does not fit the type it was decoded as: the wrong MessagePack type, a number out of
/// range, a missing record field or a nil where none is allowed. The pipeline turns it into a
/// <c>VALIDATION_ERROR</c> reply (PROTOCOL.md section 3).
/// </summary>
public sealed class TinoValidationException : Exception
{
    private readonly List<object> _path;

    /// <summary>Creates a validation error.</summary>
    /// <param name="message">A short human message such as <c>expected int32, got string</c>; CR and LF become spaces.</param>
    /// <param name="expectedType">The wire type name of what was expected (see <see cref="WireTypeNames"/>).</param>
    /// <param name="path">Where the bad value is, from the top of the decoded value: member names (strings) and array indexes (ints).</param>
    /// <param name="innerException">The decoding failure this error explains, if any.</param>
    public TinoValidationException(string message, string expectedType, IEnumerable<object>? path = null, Exception? innerException = null)
        : base(OneLine(message), innerException)
    {
        ArgumentNullException.ThrowIfNull(expectedType);
        ExpectedType = expectedType;
        _path = path is null ? [] : [.. path];
        foreach (var element in _path)
        {
            if (element is not (string or int))
            {
                throw new ArgumentException("A path element must be a string (member name or map key) or an int (array index).", nameof(path));
            }
        }

        Path = new ReadOnlyCollection<object>(_path);
    }

    /// <summary>
    /// Where the bad value is, relative to the top of the decoded value: member names and map keys as strings,
    /// array indexes as ints. Empty when the top value itself is wrong.
    /// </summary>
    public IReadOnlyList<object> Path { get; }

    /// <summary>The wire type name of what was expected, e.g. <c>int32</c>, <c>array&lt;string&gt;</c> or a record's name.</summary>
    public string ExpectedType { get; }

    /// <summary>Adds an outer key in front of the path while the error unwinds through a nested formatter.</summary>
    internal TinoValidationException PrependPath(object key)
    {
        _path.Insert(0, key);
        return this;
    }

    private static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.AsSpan().IndexOfAny('\r', '\n') < 0 ? message : message.Replace('\r', ' ').Replace('\n', ' ');
    }
}
