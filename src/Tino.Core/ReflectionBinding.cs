namespace Tino;

/// <summary>
/// Why the reflection path is marked for the trimmer and Native AOT: the messages of its
/// <c>RequiresDynamicCode</c> and <c>RequiresUnreferencedCode</c> attributes, and of the suppressions where the
/// pipeline falls back to it.
/// </summary>
internal static class ReflectionBinding
{
    /// <summary>For describing and binding a handler from a delegate.</summary>
    public const string Handlers =
        "Describes and binds a handler by reflection and compiled expressions. Under Native AOT, use the C# builder's "
        + "Command(name, lambda or method group) and MapService<T>(...), which Tino.Generators binds at compile time.";

    /// <summary>For making a formatter of a type known only at run time.</summary>
    public const string Formatters =
        "Makes a MessagePack formatter by reflection. Under Native AOT, Tino formats the types that Tino.Generators "
        + "writes formatters for: those of the handlers, services and proxies it binds.";

    /// <summary>Why the pipeline may fall back to reflection without warning its callers.</summary>
    public const string FallBack =
        "A handler without a generated binder was made by CommandHandler.Create or the CommandHandler constructor "
        + "without one, which carry the warning; a type without a generated formatter fails with "
        + "FormatterNotRegisteredException under Native AOT rather than being made.";
}
