namespace Tino.Pipeline;

/// <summary>Fills magic parameters from the call's connection; called by compiled handler binders.</summary>
internal static class MagicValues
{
    public static AuthRequired<T> AuthRequired<T>(CommandContext context) =>
        context.Connection.AuthValue is T value ? new AuthRequired<T>(value) : throw CommandError.PermissionDenied();

    public static Auth<T> Auth<T>(CommandContext context) =>
        context.Connection.AuthValue is T value ? new Auth<T>(value) : default;

    public static ConnState<T> ConnState<T>(CommandContext context) => (ConnState<T>)context.Connection.State!;
}
