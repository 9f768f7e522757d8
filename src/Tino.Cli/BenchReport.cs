using System.Diagnostics;
using Spectre.Console;

namespace Tino.Cli;

/// <summary>Throughput, percentiles and a latency histogram of a finished <see cref="BenchRun"/>.</summary>
internal static class BenchReport
{
    private static readonly double[] s_percentiles = [50, 90, 99, 99.9, 100];

    // Bucket upper bounds in milliseconds: 1-2-5 steps from 10 µs to 10 s.
    private static readonly double[] s_bounds = [.. Enumerable.Range(-2, 7).SelectMany(e => new[] { 1.0, 2, 5 }.Select(m => m * Math.Pow(10, e)))];

    public static void Write(IAnsiConsole console, BenchSettings settings, BenchRun run)
    {
        var milliseconds = run.Latencies.Select(ticks => ticks * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        var seconds = Math.Max(run.Elapsed.TotalSeconds, 1e-9);
        console.MarkupLine($"[bold]{settings.Requests:N0}[/] calls of [green]{Markup.Escape(settings.Command.ToUpperInvariant())}[/] in {seconds:0.00} s "
            + $"over {settings.Connections} connections, {settings.Pipeline} in flight each: [bold]{settings.Requests / seconds:N0} calls/s[/]"
            + (run.Errors > 0 ? $", [red]{run.Errors:N0} errors[/]" : ""));

        var percentiles = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Latency (ms)") };
        foreach (var p in s_percentiles)
        {
            percentiles.AddColumn(new TableColumn(p == 100 ? "max" : $"p{p}").RightAligned());
        }
        percentiles.AddRow(s_percentiles.Select(p => $"{Percentile(milliseconds, p):0.000}").ToArray());
        console.Write(percentiles);

        var chart = new BarChart { Width = 60, Label = "Calls by latency" };
        foreach (var (label, count) in Histogram(milliseconds))
        {
            chart.AddItem(label, count, Color.Green);
        }
        console.Write(chart);
    }

    /// <summary>The value below which <paramref name="p"/> percent of the sorted values fall (nearest rank).</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Counts per 1-2-5 bucket, from the first non-empty bucket to the last.</summary>
    public static IEnumerable<(string Label, int Count)> Histogram(double[] sorted)
    {
        var counts = new int[s_bounds.Length + 1];
        foreach (var value in sorted)
        {
            var bucket = Array.FindIndex(s_bounds, bound => value <= bound);
            counts[bucket < 0 ? s_bounds.Length : bucket]++;
        }
        var first = Array.FindIndex(counts, c => c > 0);
        var last = Array.FindLastIndex(counts, c => c > 0);
        for (var i = Math.Max(first, 0); i <= last; i++)
        {
            var label = i < s_bounds.Length ? $"<= {Format(s_bounds[i])}" : $"> {Format(s_bounds[^1])}";
            yield return (label, counts[i]);
        }
    }

    private static string Format(double milliseconds) =>
        milliseconds < 1 ? $"{milliseconds * 1000:0} µs" : milliseconds < 1000 ? $"{milliseconds:0} ms" : $"{milliseconds / 1000:0} s";
}
