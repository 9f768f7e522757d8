namespace Tino.Protocol;

/// <summary>
/// One inline argument: its raw extent in the line (<see cref="Start"/> to <see cref="End"/>, quotes included) and,
/// when it needs no copy, where its bytes are (<see cref="ContentStart"/>, <see cref="ContentLength"/>).
/// </summary>
internal readonly record struct InlineToken(int Start, int End, int ContentStart, int ContentLength, bool NeedsCopy);
