using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml.Linq;

namespace Tino;

/// <summary>
/// Where a command's description comes from when nobody gave one: a <see cref="DescriptionAttribute"/> on the handler's
/// method (a C# lambda takes one too) or member, else the <c>&lt;summary&gt;</c> of its XML documentation (C#'s
/// <c>///</c> docs, F#'s too), read from the <c>.xml</c> file beside its assembly when the project sets
/// <c>GenerateDocumentationFile</c>. The description reaches <c>TINO.SCHEMA</c>, <c>COMMAND DOCS</c> and <c>tino describe</c>.
/// </summary>
public static class CommandDescriptions
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> s_summaries = new();

    /// <summary>The description of <paramref name="member"/>: its <see cref="DescriptionAttribute"/>, else its XML summary, else null.</summary>
    public static string? Of(MemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (member.GetCustomAttribute<DescriptionAttribute>() is { Description: { Length: > 0 } described })
        {
            return described;
        }
        if (member.IsDefined(typeof(CompilerGeneratedAttribute)) || member.DeclaringType is null || member.Module.Assembly.IsDynamic)
        {
            return null;
        }
        var summaries = s_summaries.GetOrAdd(member.Module.Assembly, Load);
        return summaries.TryGetValue(IdOf(member), out var summary) ? summary : null;
    }

    /// <summary>
    /// Where <paramref name="assembly"/>'s XML documentation would be: beside the assembly, or, in a single-file or
    /// native app (no assembly has a location there), beside the app under the assembly's name.
    /// </summary>
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty location is handled: the app's folder is used.")]
    private static string? DocumentationPath(Assembly assembly) =>
        !string.IsNullOrEmpty(assembly.Location) ? Path.ChangeExtension(assembly.Location, ".xml")
        : assembly.GetName().Name is { } name ? Path.Combine(AppContext.BaseDirectory, name + ".xml")
        : null;

    /// <summary>Every member's summary in the XML documentation file beside <paramref name="assembly"/>, whitespace collapsed.</summary>
    private static IReadOnlyDictionary<string, string> Load(Assembly assembly)
    {
        var path = DocumentationPath(assembly);
        if (path is null || !File.Exists(path))
        {
            return new Dictionary<string, string>();
        }
        try
        {
            return XDocument.Load(path).Descendants("member")
                .Select(member => (Name: (string?)member.Attribute("name"), Summary: member.Element("summary")))
                .Where(doc => doc.Name is not null && doc.Summary is not null)
                .GroupBy(doc => doc.Name!)
                .ToDictionary(docs => docs.Key, docs => Text(docs.First().Summary!));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Xml.XmlException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>A summary's text on one line: <c>&lt;see cref="T:A.B"/&gt;</c> as <c>B</c>, <c>&lt;c&gt;x&lt;/c&gt;</c> as <c>x</c>.</summary>
    private static string Text(XElement summary)
    {
        var text = new StringBuilder();
        foreach (var node in summary.DescendantNodes())
        {
            if (node is XText part)
            {
                text.Append(part.Value);
            }
            else if (node is XElement { IsEmpty: true } reference && ((string?)reference.Attribute("cref") ?? (string?)reference.Attribute("langword")) is { } cref)
            {
                text.Append(cref[(cref.LastIndexOfAny([':', '.']) + 1)..]);
            }
        }
        return string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The documentation id of a member, as compilers write it in the XML file (<c>M:Ns.Type.Method(System.Int32)</c>).</summary>
    private static string IdOf(MemberInfo member) => member switch
    {
        Type type => "T:" + TypeId(type),
        PropertyInfo property => $"P:{TypeId(property.DeclaringType!)}.{property.Name}",
        FieldInfo field => $"F:{TypeId(field.DeclaringType!)}.{field.Name}",
        MethodBase method => MethodId(method),
        _ => "",
    };

    private static string MethodId(MethodBase method)
    {
        var id = new StringBuilder("M:").Append(TypeId(method.DeclaringType!)).Append('.').Append(method.Name.Replace('.', '#'));
        if (method.IsGenericMethod)
        {
            id.Append("``").Append(method.GetGenericArguments().Length);
        }
        var parameters = method.GetParameters();
        if (parameters.Length > 0)
        {
            id.Append('(').AppendJoin(',', parameters.Select(p => ParameterTypeId(p.ParameterType))).Append(')');
        }
        return id.ToString();
    }

    /// <summary>A declaring type's id: namespace, nesting with dots, generic arity kept (<c>Ns.Outer.Inner`1</c>).</summary>
    private static string TypeId(Type type) =>
        (type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName?.Replace('+', '.') ?? type.Name;

    /// <summary>A parameter's type id: generic arguments in braces, method and type parameters by position.</summary>
    private static string ParameterTypeId(Type type)
    {
        if (type.IsGenericMethodParameter)
        {
            return "``" + type.GenericParameterPosition;
        }
        if (type.IsGenericTypeParameter)
        {
            return "`" + type.GenericParameterPosition;
        }
        if (type.IsByRef)
        {
            return ParameterTypeId(type.GetElementType()!) + "@";
        }
        if (type.IsArray)
        {
            return ParameterTypeId(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }
        if (!type.IsGenericType)
        {
            return TypeId(type);
        }
        var name = TypeId(type);
        var tick = name.LastIndexOf('`');
        return (tick < 0 ? name : name[..tick]) + "{" + string.Join(',', type.GetGenericArguments().Select(ParameterTypeId)) + "}";
    }
}
