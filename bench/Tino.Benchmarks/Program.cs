// Micro benchmarks of one call's server path, piece by piece and whole, without sockets.
// Run all:    dotnet run -c Release --project bench/Tino.Benchmarks -- --filter '*'
// Quick look: dotnet run -c Release --project bench/Tino.Benchmarks -- --filter '*' --job short
// Or through the build script: dotnet fsi build.fsx bench micro [arguments]
// Figures and how to read them: docs/benchmarks.md, "Micro benchmarks" (prose in bench/benchmarks-notes.md).
// Ratios to the baselines on a shared machine: dotnet run -c Release --project bench/Tino.Benchmarks -- --paired [rounds]
using BenchmarkDotNet.Running;
using Tino.Benchmarks;

if (args is ["--paired", .. var rest])
{
    PairedRatios.RunAll(rest is [var rounds] ? int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture) : 41);
    return;
}

// With no arguments, run everything rather than prompt: `dotnet fsi build.fsx bench micro` then needs no input.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
