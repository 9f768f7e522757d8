using Spectre.Console;

namespace Tino.Cli;

/// <summary>Where a subcommand writes: the console for tables and progress, and plain writers for results and errors.</summary>
/// <param name="Console">Tables, charts and the progress bar.</param>
/// <param name="Out">Results meant for a pipe, such as a call's JSON.</param>
/// <param name="Error">Error lines.</param>
internal sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error);
