namespace Tino;

/// <summary>
/// Why the C# front's reflection path is marked for the trimmer and Native AOT: the messages of its
/// <c>RequiresDynamicCode</c> and <c>RequiresUnreferencedCode</c> attributes.
/// </summary>
internal static class ReflectionBinding
{
    /// <summary>For binding handlers and service contracts from delegates and interfaces at run time.</summary>
    public const string Handlers =
        "Binds the handler by reflection and compiled expressions when Tino.Generators cannot see it (a delegate in a "
        + "variable, a generic method). Under Native AOT, pass a lambda or a method group to Command, mark its services "
        + "[FromServices]; Tino.Generators binds those, and the MapService calls, at compile time.";

    /// <summary>For proxies made at run time.</summary>
    public const string Proxies =
        "Makes the proxy class with Reflection.Emit when Tino.Generators cannot see the call. Under Native AOT, call "
        + "CreateProxy<T>() on an interface the program names: Tino.Generators writes the proxy class at compile time.";
}
