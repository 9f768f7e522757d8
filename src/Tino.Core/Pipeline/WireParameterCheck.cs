using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using MessagePack;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// Refuses, when the app is built, wire parameters whose type no caller could send: things that cannot travel
/// (functions, streams, tasks, enumerators) and services taken for data (an interface, an abstract class, or a
/// class that holds resources or has nothing a value could fill). Each refusal says why and what to use instead.
/// Both fronts bind through here, so the F# and the C# front give the same answers.
/// </summary>
internal static class WireParameterCheck
{
    /// <summary>Why a wire parameter of <paramref name="type"/> cannot be an argument, and what to do instead; null when it can.</summary>
    public static string? Refusal(Type type, MessagePackSerializerOptions serializer) =>
        CannotTravel(type) ?? (type.IsValueType ? null : LooksLikeService(type, TryGetFormatter(type, serializer), serializer));

    /// <summary>As <see cref="Refusal(Type, MessagePackSerializerOptions)"/>, finding the formatter without reflection (for generated binders).</summary>
    public static string? Refusal<T>(MessagePackSerializerOptions serializer) =>
        CannotTravel(typeof(T)) ?? (typeof(T).IsValueType ? null : LooksLikeService(typeof(T), TryGetFormatter<T>(serializer), serializer));

    /// <summary>A friendly name for messages: <c>ILogger&lt;Notes&gt;</c> rather than <c>ILogger`1</c>.</summary>
    public static string Display(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(Display))}>";
    }

    private static string? CannotTravel(Type type)
    {
        if (typeof(Delegate).IsAssignableFrom(type) || IsFSharpFunction(type))
        {
            return "is a function, and functions cannot travel on the wire. To call back the caller, take a Publisher "
                + "parameter and publish an event the caller subscribes to; to let the caller choose what happens, take "
                + "data (an enum or a string) and pick the function on the server.";
        }
        if (typeof(Stream).IsAssignableFrom(type) || typeof(TextReader).IsAssignableFrom(type) || typeof(TextWriter).IsAssignableFrom(type)
            || typeof(PipeReader).IsAssignableFrom(type) || typeof(PipeWriter).IsAssignableFrom(type))
        {
            return "is a stream, and an argument is one MessagePack value, not a stream. Take the bytes as byte[] or "
                + "ReadOnlyMemory<byte> (one bin, up to the argument size limit), or a string for text; to send items "
                + "back over time, return IAsyncEnumerable<T>.";
        }
        if (typeof(Task).IsAssignableFrom(type) || IsGeneric(type, typeof(ValueTask<>)) || type == typeof(ValueTask))
        {
            return "is a task, and tasks cannot travel on the wire: take the value itself; the caller awaits it before calling.";
        }
        if (IsEnumerator(type))
        {
            return "is a sequence produced over time, and a call sends its arguments whole. Take an array or a list "
                + "(T[], List<T>); to send items back over time, return IAsyncEnumerable<T> (a stream command).";
        }
        if (type == typeof(CancellationTokenSource))
        {
            return "is a cancellation source: take a CancellationToken parameter instead, which the server fills and "
                + "cancels when the connection closes or the server stops.";
        }
        return type.IsByRefLike
            ? "is a ref struct (a span), which cannot be kept by a call: take byte[] or ReadOnlyMemory<byte> for bytes, an array for other items."
            : null;
    }

    private static string? LooksLikeService(Type type, object? formatter, MessagePackSerializerOptions serializer)
    {
        var mappedAsObject = formatter is null or IObjectFormatter;
        string? why = null;
        if (formatter is null && (type.IsInterface || type.IsAbstract))
        {
            why = $"it is {(type.IsInterface ? "an interface" : "an abstract class")} with no wire shape";
        }
        else if (mappedAsObject && IsDisposable(type))
        {
            why = "it is disposable, so it holds resources, which no caller can send";
        }
        else if (formatter is null && ServiceTakenByConstructor(type, serializer) is { } service)
        {
            why = $"its constructor takes {Display(service)}, itself a service";
        }
        else if (formatter is IObjectFormatter { DecodesAnything: false })
        {
            why = "it has no public settable property or field and no constructor parameter, so no value a caller sends could fill it";
        }
        if (why is null)
        {
            return null;
        }
        var registration = type.IsInterface || type.IsAbstract ? $"AddSingleton<{Display(type)}, {ImplementationName(type)}>()" : $"AddSingleton<{Display(type)}>()";
        return $"is not data a caller can send: {why}. It looks like a service, and it is not registered as one. Register it "
            + $"(builder.Services.{registration} with AddTino, or TinoAppBuilder.UseServices(provider) and [FromServices] "
            + "on the parameter), or capture it in the handler (a lambda or F# closure over it) instead of taking it as a parameter.";
    }

    /// <summary>A name for the class that would implement <paramref name="contract"/> in an example: <c>Notes</c> for <c>INotes</c>.</summary>
    private static string ImplementationName(Type contract)
    {
        var name = Display(contract);
        return contract.IsInterface && name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]) ? name[1..] : $"My{name}";
    }

    /// <summary>The type of a constructor parameter that looks like a service (an interface or abstract class without a wire shape, or a disposable), if any.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Only words a refusal: with constructors trimmed away, the refusal names the type without its service.")]
    private static Type? ServiceTakenByConstructor(Type type, MessagePackSerializerOptions serializer) =>
        type.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .Select(p => p.ParameterType)
            .FirstOrDefault(t => !t.IsValueType && (IsDisposable(t) || ((t.IsInterface || t.IsAbstract) && TryGetFormatter(t, serializer) is null)));

    private static object? TryGetFormatter<T>(MessagePackSerializerOptions serializer)
    {
        try
        {
            return serializer.Resolver.GetFormatter<T>();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return null;
        }
    }

    private static object? TryGetFormatter(Type type, MessagePackSerializerOptions serializer)
    {
        try
        {
            return serializer.Resolver.GetFormatterDynamic(type);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return null; // Why it has none is the caller's to say (AppPipeline names the reason).
        }
    }

    private static bool IsDisposable(Type type) => typeof(IDisposable).IsAssignableFrom(type) || typeof(IAsyncDisposable).IsAssignableFrom(type);

    private static bool IsEnumerator(Type type) =>
        typeof(System.Collections.IEnumerator).IsAssignableFrom(type)
        || WireTypeNames.FindGeneric(type, typeof(IAsyncEnumerable<>)) is not null
        || WireTypeNames.FindGeneric(type, typeof(IAsyncEnumerator<>)) is not null;

    private static bool IsGeneric(Type type, Type definition) => type.IsGenericType && type.GetGenericTypeDefinition() == definition;

    private static bool IsFSharpFunction(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.GetGenericTypeDefinition().FullName == "Microsoft.FSharp.Core.FSharpFunc`2")
            {
                return true;
            }
        }
        return false;
    }
}
