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
}
