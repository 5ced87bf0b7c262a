namespace InsureCrm.Core.Security;

/// <summary>A rule of <see cref="PasswordPolicy"/> that a password breaks; the web shows each in the user's language.</summary>
public enum PasswordRule { TooShort, NoUppercase, NoLowercase, NoDigit, NoSymbol, SameAsUserName }

/// <summary>
/// The password policy for every password set through the web or the CLI: at least
/// <see cref="MinLength"/> characters with an upper-case letter, a lower-case letter, a digit and a
/// symbol, and not the user name. (The demo logins are seeded with a shorter demo password; they are
/// for the demo only.)
/// </summary>
internal static class PasswordPolicy
{
    public const int MinLength = 10;

    /// <summary>The rules <paramref name="password"/> breaks, in a stable order; empty when it is acceptable.</summary>
    public static IReadOnlyList<PasswordRule> Check(string password, string? userName)
    {
        var broken = new List<PasswordRule>();
        if (password.Length < MinLength)
        {
            broken.Add(PasswordRule.TooShort);
        }
        if (!password.Any(char.IsUpper))
        {
            broken.Add(PasswordRule.NoUppercase);
        }
        if (!password.Any(char.IsLower))
        {
            broken.Add(PasswordRule.NoLowercase);
        }
        if (!password.Any(char.IsDigit))
        {
            broken.Add(PasswordRule.NoDigit);
        }
        if (password.All(char.IsLetterOrDigit))
        {
            broken.Add(PasswordRule.NoSymbol);
        }
        if (!string.IsNullOrWhiteSpace(userName) && string.Equals(password.Trim(), userName.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            broken.Add(PasswordRule.SameAsUserName);
        }
        return broken;
    }
}
