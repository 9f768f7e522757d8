using System.Text;
using Microsoft.Extensions.Logging;

namespace Tino.Hosting;

/// <summary>
/// What a server given no logger factory logs through: warnings and errors on standard error, in the console logger's
/// layout (<c>fail: Tino.Server[100]</c>, the message, the exception), so that an error id a client saw can be found
/// without any set-up. Pass a factory of your own, or <c>NullLoggerFactory.Instance</c> for silence.
/// </summary>
internal sealed class StandardErrorLogger : ILogger, ILoggerFactory
{
    public static StandardErrorLogger Instance { get; } = new();

    private StandardErrorLogger()
    {
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        const string Indent = "      ";
        var entry = new StringBuilder()
            .Append(logLevel == LogLevel.Warning ? "warn" : logLevel == LogLevel.Error ? "fail" : "crit")
            .Append(": Tino.Server[").Append(eventId.Id).Append("]\n")
            .Append(Indent).Append(formatter(state, exception)).Append('\n');
        if (exception is not null)
        {
            entry.Append(Indent).Append(exception.ToString().Replace("\n", "\n" + Indent, StringComparison.Ordinal)).Append('\n');
        }
        Console.Error.Write(entry.ToString());
    }
}
