namespace Tino.Client;

/// <summary>
/// The server refused the call's arguments: their number (<c>NUM_ARG_MISMATCH</c>), their bytes
/// (<c>INVALID_MSGPACK</c>, <c>INVALID_JSON</c>) or their values (<c>VALIDATION_ERROR</c>).
/// </summary>
public sealed class TinoArgumentException : TinoRemoteException
{
    /// <summary>Creates the exception for an argument error reply.</summary>
    public TinoArgumentException(string code, string message, string detail, IReadOnlyList<object>? location, string? expectedType)
        : base(code, message, detail)
    {
        Location = location ?? [];
        ExpectedType = expectedType;
    }

    /// <summary>Where the value went wrong: <c>["command", "note", "completed"]</c>; empty when the error has no location.</summary>
    public IReadOnlyList<object> Location { get; }

    /// <summary>The type the server expected (<c>int32</c>, <c>bool</c>, a record's name), for validation errors.</summary>
    public string? ExpectedType { get; }
}
