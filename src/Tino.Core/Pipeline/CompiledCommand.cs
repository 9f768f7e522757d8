namespace Tino.Pipeline;

/// <summary>A command ready to run: its handler record and the one delegate its pipeline folded into.</summary>
internal sealed class CompiledCommand(CommandHandler handler, CommandDelegate pipeline)
{
    public CommandHandler Handler { get; } = handler;

    public CommandDelegate Pipeline { get; } = pipeline;

    public bool RequiresAuth { get; } = handler.RequiresAuth;

    public int WireArity { get; } = handler.WireArity;
}
