using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Tino.Protocol;

namespace Tino.Hosting;

/// <summary>Reading built-ins' text arguments (sub-commands, numbers, names) straight from the slices.</summary>
internal static class RespArgumentsExtensions
{
    private const int MaxWordLength = 64;

    /// <summary>Whether argument <paramref name="index"/> is <paramref name="word"/>, ignoring ASCII case.</summary>
    public static bool Is(this RespArguments arguments, int index, ReadOnlySpan<byte> word)
    {
        if (index >= arguments.Count)
        {
            return false;
        }
        var argument = arguments[index];
        if (argument.Length != word.Length)
        {
            return false;
        }
        if (argument.IsSingleSegment)
        {
            return Ascii.EqualsIgnoreCase(argument.FirstSpan, word);
        }
        Span<byte> copy = stackalloc byte[word.Length];
        argument.CopyTo(copy);
        return Ascii.EqualsIgnoreCase(copy, word);
    }

    public static bool TryGetInteger(this RespArguments arguments, int index, out long value)
    {
        value = 0;
        var argument = arguments[index];
        if (argument.Length is 0 or > 20)
        {
            return false;
        }
        Span<byte> digits = stackalloc byte[(int)argument.Length];
        argument.CopyTo(digits);
        return Utf8Parser.TryParse(digits, out value, out var consumed) && consumed == digits.Length;
    }

    /// <summary>The argument as text, for names and messages; long ones are cut.</summary>
    public static string GetText(this RespArguments arguments, int index) => Text(arguments[index]);

    public static string Text(in ReadOnlySequence<byte> bytes) =>
        Encoding.UTF8.GetString(bytes.Length > MaxWordLength * 4 ? bytes.Slice(0, MaxWordLength * 4) : bytes);
}
