using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace Tino.Generators;

/// <summary>
/// A handler's description as <c>Tino.CommandDescriptions</c> reads it at run time, read here at compile time: its
/// <c>[Description]</c>, else, for a method, the summary of its <c>///</c> docs when the project writes them.
/// </summary>
internal static class Descriptions
{
    public static string? Of(IMethodSymbol method, bool isFunction, CancellationToken cancellation)
    {
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "System.ComponentModel.DescriptionAttribute");
        if (attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string { Length: > 0 } described)
        {
            return described;
        }
        var xml = isFunction ? null : method.GetDocumentationCommentXml(cancellationToken: cancellation);
        if (string.IsNullOrEmpty(xml))
        {
            return null;
        }
        try
        {
            return XDocument.Parse(xml).Descendants("summary").FirstOrDefault() is { } summary ? Text(summary) : null;
        }
        catch (XmlException)
        {
            return null;
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
                text.Append(cref.Substring(cref.LastIndexOfAny([':', '.']) + 1));
            }
        }
        return string.Join(" ", text.ToString().Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));
    }
}
