using Microsoft.Extensions.Logging;

namespace Tino.Pipeline;

internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Command {Command} failed with unexpected error {ErrorId}")]
    public static partial void UnexpectedError(ILogger logger, string command, string errorId, Exception exception);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Command {Command} threw a TinoException with the invalid code {Code}; replying UNEXPECTED_ERROR {ErrorId}")]
    public static partial void InvalidErrorCode(ILogger logger, string command, string code, string errorId, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Command {Command} replied {Code} without its error value: {Reason}")]
    public static partial void ErrorValueNotSent(ILogger logger, string command, string code, string reason, Exception? exception);
}
