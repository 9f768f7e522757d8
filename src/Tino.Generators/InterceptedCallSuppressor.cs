using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tino.Generators;

/// <summary>
/// Silences the trimming and AOT analyzers' warnings (IL2026, IL3050) on the builder's <c>Command</c> and
/// <c>MapService</c> calls and on <c>CreateProxy</c> calls that <see cref="CommandGenerator"/> intercepts: the reflection
/// those methods are marked for never runs there, since the generated code runs instead. A call the generator leaves
/// to reflection keeps its warning.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InterceptedCallSuppressor : DiagnosticSuppressor
{
    private const string Justification = "Tino.Generators binds this call at compile time: the reflection it is marked for does not run.";

    private static readonly SuppressionDescriptor s_trimming = new("TINOSPR001", "IL2026", Justification);
    private static readonly SuppressionDescriptor s_aot = new("TINOSPR002", "IL3050", Justification);

    /// <inheritdoc/>
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = [s_trimming, s_aot];

    /// <inheritdoc/>
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        foreach (var diagnostic in context.ReportedDiagnostics)
        {
            if (diagnostic.Location.SourceTree is not { } tree
                || tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                    .AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault() is not { } invocation)
            {
                continue;
            }
            var model = context.GetSemanticModel(tree);
            var intercepted =
                (CommandSite.IsCandidate(invocation) && CommandSite.Read(invocation, model, context.CancellationToken) is not null)
                || (ServiceSite.IsCandidate(invocation) && ServiceSite.Read(invocation, model, context.CancellationToken) is not null)
                || (ProxySite.IsCandidate(invocation) && ProxySite.Read(invocation, model, context.CancellationToken) is not null);
            if (intercepted)
            {
                context.ReportSuppression(Suppression.Create(diagnostic.Id == "IL2026" ? s_trimming : s_aot, diagnostic));
            }
        }
    }
}
