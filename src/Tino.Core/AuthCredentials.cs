using System.Text;

namespace Tino;

/// <summary>What a client sent with <c>AUTH [username] password</c>: the password bytes exactly as sent.</summary>
/// <param name="UserName">The user name of the two-argument form, or null.</param>
/// <param name="Password">The password bytes, raw (not MessagePack).</param>
public readonly record struct AuthCredentials(string? UserName, ReadOnlyMemory<byte> Password)
{
    /// <summary>The password decoded as UTF-8 text.</summary>
    public string PasswordText => Encoding.UTF8.GetString(Password.Span);
}
