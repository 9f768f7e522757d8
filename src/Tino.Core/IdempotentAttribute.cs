namespace Tino;

/// <summary>
/// Marks a command as idempotent: calling it again with the same arguments has no other effect than calling it once,
/// so a call whose reply was lost may be sent again. <c>TINO.SCHEMA</c> (<c>"idempotent": true</c>) and
/// <c>COMMAND INFO</c> (the flag <c>idempotent</c>) say so. Put it on a handler method, a C# lambda
/// (<c>[Idempotent] (int id) =&gt; ...</c>), a service contract's method, or an F# contract record's field; in
/// <c>tino { }</c>, <c>idempotent "name"</c> marks a command.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, Inherited = true)]
public sealed class IdempotentAttribute : Attribute;
