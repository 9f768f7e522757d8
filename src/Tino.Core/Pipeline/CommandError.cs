using System.Diagnostics.CodeAnalysis;

namespace Tino.Pipeline;

/// <summary>
/// An error the pipeline itself raises, its detail already in the protocol's shape
/// (section 3): the location, the message and the expected type.
/// </summary>
internal sealed class CommandError : TinoException
{
    private readonly string _detail;

    private CommandError(string code, string detail, string message) : base(code, message) => _detail = detail;

    public override string Detail => _detail;

    internal override bool DetailIsQuotedMessage => false;

    /// <summary>The location prefix every argument error starts with.</summary>
    public const string LocationRoot = "command";

    public static CommandError InvalidCommand(string nameAsSent) =>
        new(ErrorCodes.InvalidCommand, nameAsSent, $"no command {nameAsSent}");

    public static CommandError ArgumentCount(int expected, int got) =>
        new(ErrorCodes.NumArgMismatch, $"expected {expected} got {got}", $"expected {expected} arguments, got {got}");

    /// <summary>PERMISSION_DENIED's detail for an auth-only command (or channel) on a connection that has not authenticated.</summary>
    public static string NotAuthenticatedDetail { get; } = JsonQuote(NotAuthenticatedMessage);

    /// <summary>PERMISSION_DENIED's detail for AUTH &lt;password&gt; that the auth function refused.</summary>
    public static string InvalidPasswordDetail { get; } = JsonQuote("invalid password");

    /// <summary>PERMISSION_DENIED's detail for AUTH &lt;username&gt; &lt;password&gt; that the auth function refused (Redis's words).</summary>
    public static string InvalidUserPasswordDetail { get; } = JsonQuote("invalid username-password pair");

    /// <summary>PERMISSION_DENIED's detail for AUTH when the app has no auth function.</summary>
    public static string NoAuthFunctionDetail { get; } = JsonQuote("this server takes no AUTH (it has no auth function)");

    /// <summary>PERMISSION_DENIED's detail for AUTH when the auth function threw (logged by the server).</summary>
    public static string AuthFunctionFailedDetail { get; } = JsonQuote("AUTH failed: the server's auth function threw (see the server's log)");

    private const string NotAuthenticatedMessage = "authentication required: send AUTH <password> first";

    public static CommandError PermissionDenied() => new(ErrorCodes.PermissionDenied, NotAuthenticatedDetail, NotAuthenticatedMessage);

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
