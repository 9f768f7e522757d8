// The tino command: call, describe and benchmark a Tino server from a terminal (docs/interop.md).
using Spectre.Console;
using Tino.Cli;

return await TinoCommandLine.RunAsync(args, new CliContext(AnsiConsole.Console, Console.Out, Console.Error));
