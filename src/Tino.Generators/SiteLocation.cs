using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Tino.Generators;

/// <summary>Where a call is, kept as values (a <see cref="Location"/> holds its syntax tree) so that models compare by content.</summary>
internal sealed record SiteLocation(string Path, TextSpan Span, LinePositionSpan Lines)
{
    public static SiteLocation Of(SyntaxNode node)
    {
        var location = node.GetLocation();
        return new SiteLocation(location.SourceTree?.FilePath ?? "", location.SourceSpan, location.GetLineSpan().Span);
    }

    public Location ToLocation() => Location.Create(Path, Span, Lines);
}
