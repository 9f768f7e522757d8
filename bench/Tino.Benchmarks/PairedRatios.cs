using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Tino.Benchmarks;

/// <summary>
/// Ratios to a baseline that hold on a shared machine: each benchmark and its category's baseline are timed in
/// alternation, a few milliseconds each, round after round, and the ratio is taken per round. A slow spell then slows
/// both sides of one ratio, where BenchmarkDotNet, which measures one benchmark after the other, lets it slow one
/// side only. Times are per operation; allocations and absolute figures are BenchmarkDotNet's to give.
/// </summary>
internal static class PairedRatios
{
    private static readonly TimeSpan s_batch = TimeSpan.FromMilliseconds(5);
    private const int Alternations = 9;

    /// <summary>Runs every pair of each benchmark class in this assembly that has baselines, printing a markdown table.</summary>
    public static void RunAll(int rounds)
    {
        foreach (var benchmarks in typeof(PairedRatios).Assembly.GetTypes()
            .Where(type => type.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is { Baseline: true })))
        {
            Run(benchmarks, rounds);
        }
    }

    private static void Run(Type benchmarks, int rounds)
    {
        var instance = Activator.CreateInstance(benchmarks)!;
        foreach (var setup in benchmarks.GetMethods().Where(m => m.IsDefined(typeof(GlobalSetupAttribute))))
        {
            setup.Invoke(instance, null);
        }

        var methods = benchmarks.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToList();
        Console.WriteLine($"{benchmarks.Name}: {rounds} rounds, each {Alternations} alternations of {s_batch.TotalMilliseconds} ms per side; ratio = median over rounds of (best of the round / best of the baseline's round)");
        Console.WriteLine();
        Console.WriteLine("| benchmark | baseline | median | baseline median | ratio | ratio, middle half of rounds |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var group in methods.GroupBy(Category))
        {
            var baseline = group.Single(m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline);
            foreach (var method in group.Where(m => m != baseline))
            {
                var (time, baseTime, ratios) = Measure(Invoker(instance, method), Invoker(instance, baseline), rounds);
                Console.WriteLine($"| {method.Name} | {baseline.Name} | {Format(time)} | {Format(baseTime)} | {ratios[rounds / 2]:F2} | {ratios[rounds / 4]:F2}–{ratios[3 * rounds / 4]:F2} |");
            }
        }
    }

    private static string Category(MethodInfo method) =>
        string.Join(",", method.GetCustomAttribute<BenchmarkCategoryAttribute>()?.Categories ?? []);

    private static (double Time, double BaseTime, double[] Ratios) Measure(Func<long, double> subject, Func<long, double> baseline, int rounds)
    {
        var (subjectCount, baselineCount) = (Calibrate(subject), Calibrate(baseline));
        var ratios = new double[rounds];
        var times = new double[rounds];
        var baseTimes = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            var (best, bestBase) = (double.MaxValue, double.MaxValue);
            for (var i = 0; i < Alternations; i++)
            {
                best = Math.Min(best, subject(subjectCount) / subjectCount);
                bestBase = Math.Min(bestBase, baseline(baselineCount) / baselineCount);
            }

            (times[round], baseTimes[round], ratios[round]) = (best, bestBase, best / bestBase);
        }

        Array.Sort(ratios);
        Array.Sort(times);
        Array.Sort(baseTimes);
        return (times[rounds / 2], baseTimes[rounds / 2], ratios);
    }

    /// <summary>Runs <paramref name="run"/> for a second (long enough for the JIT's optimized tier), then sizes a batch.</summary>
    private static long Calibrate(Func<long, double> run)
    {
        var watch = Stopwatch.StartNew();
        long count = 1;
        while (watch.Elapsed < TimeSpan.FromSeconds(1))
        {
            var seconds = run(count);
            count = seconds < s_batch.TotalSeconds ? count * 2 : Math.Max(1, count / 2);
        }

        return Math.Max(1, (long)(count * s_batch.TotalSeconds / run(count)));
    }

    /// <summary>A delegate that calls the benchmark <c>count</c> times and returns the seconds it took.</summary>
    private static Func<long, double> Invoker(object instance, MethodInfo method) =>
        (Func<long, double>)typeof(PairedRatios).GetMethod(nameof(Loop), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(method.ReturnType)
            .Invoke(null, [method.CreateDelegate(typeof(Func<>).MakeGenericType(method.ReturnType), instance)])!;

    private static Func<long, double> Loop<T>(Func<T> benchmark) => count =>
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0L; i < count; i++)
        {
            benchmark();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    };

    private static string Format(double seconds) => seconds >= 1e-3 ? $"{seconds * 1e3:F2} ms" : $"{seconds * 1e6:F2} µs";
}
