using System.Diagnostics.CodeAnalysis;

namespace Tino;

/// <summary>
/// An error the pipeline itself raises, its detail already in the protocol's shape
/// (section 3): the location, the message and the expected type.
/// </summary>
internal sealed class CommandError : TinoException
{
    private readonly string _detail;

    private CommandError(string code, string detail, string message) : base(code, message) => _detail = detail;

    public override string Detail => _detail;

    /// <summary>The location prefix every argument error starts with.</summary>
    public const string LocationRoot = "command";

    public static CommandError InvalidCommand(string nameAsSent) =>
        new(ErrorCodes.InvalidCommand, nameAsSent, $"no command {nameAsSent}");

    public static CommandError ArgumentCount(int expected, int got) =>
        new(ErrorCodes.NumArgMismatch, $"expected {expected} got {got}", $"expected {expected} arguments, got {got}");

    public static CommandError PermissionDenied() => new(ErrorCodes.PermissionDenied, "", "permission denied");

    public static CommandError InvalidMsgPack(string parameter, string message) =>
        new(ErrorCodes.InvalidMsgPack, $"{Location(parameter, [])} {JsonQuote(message)}", message);

    public static CommandError InvalidJson(string parameter, string message) =>
        new(ErrorCodes.InvalidJson, $"{Location(parameter, [])} {JsonQuote(message)}", message);

    public static CommandError Validation(string parameter, IReadOnlyList<object> path, string message, string expectedType) =>
        new(ErrorCodes.ValidationError, $"{Location(parameter, path)} {JsonQuote(message)} {JsonQuote(expectedType)}", message);

    [DoesNotReturn]
    public static void Throw(CommandError error) => throw error;

    private static string Location(string parameter, IReadOnlyList<object> path) =>
        JsonArray([LocationRoot, parameter, .. path]);
}
