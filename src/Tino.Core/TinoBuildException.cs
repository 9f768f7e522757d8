namespace Tino;

/// <summary>An app that cannot be served: a duplicate or reserved name, an unbindable handler, a magic parameter without its provider.</summary>
public sealed class TinoBuildException : Exception
{
    /// <summary>Creates the error for <paramref name="command"/> (null for app-wide problems).</summary>
    public TinoBuildException(string? command, string message)
        : base(command is null ? message : $"Command '{command}': {message}")
    {
        Command = command;
    }

    /// <summary>The command at fault, when there is one.</summary>
    public string? Command { get; }
}
