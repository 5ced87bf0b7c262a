namespace InsureCrm.Core.Common;

/// <summary>
/// The one check of an e-mail address, wherever one enters the CRM (the customer edit form and API, imports):
/// <c>local@domain</c> with an RFC 5322 dot-atom local part (at most 64 characters) and a DNS host name of at
/// least two labels (letters, digits and inner hyphens, at most 63 each) ending in a top-level domain of letters
/// (or an IDN's <c>xn--</c> form), at most 200 characters in all. Nothing else: no spaces, quotes, angle
/// brackets, comments, IP literals or control characters, so an address is safe to show, link and send to.
/// </summary>
public static class EmailAddress
{
    /// <summary>The longest address the CRM stores (the column's length).</summary>
    public const int MaxLength = 200;

    private const string LocalSymbols = "!#$%&'*+/=?^_`{|}~-";

    public static bool IsValid(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > MaxLength)
        {
            return false;
        }
        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at > 64 || at != address.LastIndexOf('@'))
        {
            return false;
        }
        return IsDotAtom(address.AsSpan(0, at)) && IsHostName(address.AsSpan(at + 1));
    }

    private static bool IsDotAtom(ReadOnlySpan<char> local)
    {
        var previousDot = true; // no leading dot
        foreach (var c in local)
        {
            if (c == '.')
            {
                if (previousDot)
                {
                    return false;
                }
                previousDot = true;
                continue;
            }
            if (!char.IsAsciiLetterOrDigit(c) && !LocalSymbols.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
            previousDot = false;
        }
        return !previousDot; // no trailing dot
    }

    private static bool IsHostName(ReadOnlySpan<char> domain)
    {
        var labels = 0;
        var last = ReadOnlySpan<char>.Empty;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
            labels++;
            last = label;
        }
        return labels >= 2
            && ((last.Length >= 2 && last.ContainsOnlyAsciiLetters()) || last.StartsWith("xn--", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Span helpers of <see cref="EmailAddress"/>.</summary>
file static class SpanText
{
    public static bool ContainsOnlyAsciiLetters(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }
        return true;
    }
}
