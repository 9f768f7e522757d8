using System.Text.Json;

namespace Tino;

/// <summary>
/// Names the command a method of a service interface becomes under
/// <see cref="TinoAppBuilder.MapService{TContract}(TContract)"/>, in place of the snake_case rule.
/// </summary>
/// <example><code>[CommandName("read_all")] Note[] ReadNotes();</code></example>
/// <param name="name">The command's name, used as written.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CommandNameAttribute(string name) : Attribute
{
    /// <summary>The command's name, used as written.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// The command that a method without this attribute becomes: its name without a trailing <c>Async</c>, in lower
    /// snake case (<c>GetNoteAsync</c> is <c>get_note</c>; <c>HTTPStatus</c> is <c>http_status</c>).
    /// </summary>
    /// <param name="methodName">The method's name.</param>
    /// <returns>The command's name.</returns>
    public static string ForMethod(string methodName)
    {
        ArgumentNullException.ThrowIfNull(methodName);
        const string asyncSuffix = "Async";
        var name = methodName.Length > asyncSuffix.Length && methodName.EndsWith(asyncSuffix, StringComparison.Ordinal)
            ? methodName[..^asyncSuffix.Length]
            : methodName;
        return JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
    }
}
