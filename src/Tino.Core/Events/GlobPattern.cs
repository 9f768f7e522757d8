namespace Tino.Events;

/// <summary>
/// A Redis glob pattern, as <c>PSUBSCRIBE</c> takes it: <c>*</c> (any run), <c>?</c> (any one character),
/// <c>[abc]</c>, <c>[^abc]</c>, <c>[a-z]</c>, and <c>\</c> to take the next character literally.
/// Compiled once; matching backtracks only to the last <c>*</c>, so a hostile pattern costs at most
/// pattern length times text length.
/// </summary>
internal sealed class GlobPattern
{
    private readonly Token[] _tokens;

    public GlobPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Text = pattern;
        _tokens = Parse(pattern);
    }

    public string Text { get; }

    public bool IsMatch(string text)
    {
        int t = 0, p = 0, starToken = -1, starText = 0;
        while (t < text.Length)
        {
            if (p < _tokens.Length && _tokens[p].Kind == TokenKind.Star)
            {
                starToken = p++;
                starText = t;
            }
            else if (p < _tokens.Length && _tokens[p].Matches(text[t]))
            {
                p++;
                t++;
            }
            else if (starToken >= 0)
            {
                p = starToken + 1;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }
        while (p < _tokens.Length && _tokens[p].Kind == TokenKind.Star)
        {
            p++;
        }
        return p == _tokens.Length;
    }

    private static Token[] Parse(string pattern)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '*':
                    if (tokens.Count == 0 || tokens[^1].Kind != TokenKind.Star)
                    {
                        tokens.Add(new Token(TokenKind.Star, default, [], false));
                    }
                    break;
                case '?':
                    tokens.Add(new Token(TokenKind.Any, default, [], false));
                    break;
                case '[':
                    i = ParseClass(pattern, i + 1, tokens);
                    break;
                case '\\' when i + 1 < pattern.Length:
                    tokens.Add(new Token(TokenKind.Literal, pattern[++i], [], false));
                    break;
                default:
                    tokens.Add(new Token(TokenKind.Literal, pattern[i], [], false));
                    break;
            }
        }
        return [.. tokens];
    }

    /// <summary>Reads a class from just after its <c>[</c>; returns the index of its <c>]</c> (or the pattern's last index).</summary>
    private static int ParseClass(string pattern, int i, List<Token> tokens)
    {
        var negated = i < pattern.Length && pattern[i] == '^';
        if (negated)
        {
            i++;
        }
        var ranges = new List<(char From, char To)>();
        for (; i < pattern.Length && pattern[i] != ']'; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                i++;
                ranges.Add((pattern[i], pattern[i]));
            }
            else if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                var (from, to) = (pattern[i], pattern[i + 2]);
                ranges.Add(from <= to ? (from, to) : (to, from));
                i += 2;
            }
            else
            {
                ranges.Add((pattern[i], pattern[i]));
            }
        }
        tokens.Add(new Token(TokenKind.Class, default, [.. ranges], negated));
        return Math.Min(i, pattern.Length - 1);
    }

    private enum TokenKind : byte { Literal, Any, Star, Class }

    private readonly record struct Token(TokenKind Kind, char Literal, (char From, char To)[] Ranges, bool Negated)
    {
        public bool Matches(char c) => Kind switch
        {
            TokenKind.Literal => c == Literal,
            TokenKind.Any => true,
            TokenKind.Class => Ranges.Any(r => c >= r.From && c <= r.To) != Negated,
            _ => false,
        };
    }
}
