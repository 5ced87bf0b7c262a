using System.Buffers.Text;
using System.Globalization;
using System.Text;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Customers;

/// <summary>Reading what people type into the search box, and masking what is shown back.</summary>
public static class SearchText
{
    /// <summary>
    /// 13 digits (typed 6-7 with a hyphen or without) are an RRN; 9 to 11 digits starting with 0, or anything
    /// starting with +, a phone number in any format (+82 and separators allowed); 4 to 8 digits alone (dashes
    /// and spaces allowed) are ambiguous: part of a phone number or a contract number, and both are searched
    /// (<see cref="SearchKind.PhoneOrContract"/>); letters mixed with digits, or other digits, a contract number;
    /// anything else a name.
    /// </summary>
    public static SearchKind Detect(string text)
    {
        var t = text.Trim();
        if (t.Length == 0)
        {
            return SearchKind.Name;
        }
        var digits = AsciiDigits.Of(t);
        var onlyDigitsAndSeparators = t.All(c => char.IsAsciiDigit(c) || c is '-' or ' ' or '(' or ')' or '.' or '+');
        if (onlyDigitsAndSeparators && digits.Length == 13 && !t.StartsWith('+'))
        {
            return SearchKind.Rrn;
        }
        if (onlyDigitsAndSeparators && PhoneNumber.IsWhole(PhoneNumber.Digits(t)))
        {
            return SearchKind.Phone;
        }
        if (onlyDigitsAndSeparators && t.StartsWith('+') && digits.Length >= MinPhoneDigits)
        {
            return SearchKind.Phone;
        }
        if (onlyDigitsAndSeparators && digits.Length is >= MinPhoneDigits and <= MaxPartialPhoneDigits)
        {
            return SearchKind.PhoneOrContract;
        }
        if (digits.Length > 0 && t.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return SearchKind.ContractNumber;
        }
        return SearchKind.Name;
    }

    /// <summary>The fewest digits a phone search takes: the last four, which the call center asks first.</summary>
    public const int MinPhoneDigits = 4;

    /// <summary>Up to this many digits without a leading 0 are a partial number (a full one has 9 to 11).</summary>
    public const int MaxPartialPhoneDigits = 8;

    /// <summary>The fewest digits of a number's beginning that are searched as one: an area or mobile code and three more.</summary>
    public const int MinPrefixDigits = 6;

    /// <summary>
    /// Which phone numbers a query means: those ending in <see cref="PhonePattern.Suffix"/> (at least the last
    /// four digits), those beginning with <see cref="PhonePattern.Prefix"/> (a leading 0 and at least six digits,
    /// e.g. 010-4113; a full number is the prefix of itself), or either. Null when too few digits are given.
    /// </summary>
    public static PhonePattern? PhonePart(string text)
    {
        var digits = PhoneNumber.Digits(text);
        if (digits.Length < MinPhoneDigits)
        {
            return null;
        }
        var leadingZero = digits[0] == '0';
        var full = leadingZero && digits.Length >= 9;
        return new PhonePattern(
            Suffix: full ? null : digits,
            Prefix: leadingZero && digits.Length >= MinPrefixDigits ? digits : null);
    }


    /// <summary>The smallest string greater than every string that starts with <paramref name="prefix"/> (ordinal).</summary>
    public static string PrefixUpperBound(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            // Surrogates and U+FFFF cannot simply be incremented; shorten the prefix instead.
            if (chars[i] < '\uD800' || (chars[i] > '\uDFFF' && chars[i] < '\uFFFF'))
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }
        return "\uFFFF";
    }

    /// <summary>010-****-5678 for mobiles, 02-****-5678 for Seoul, keeping only the last four digits.</summary>
    public static string MaskPhone(string digits)
    {
        if (digits.Length < 8)
        {
            return new string('*', digits.Length);
        }
        var area = digits.StartsWith("02", StringComparison.Ordinal) ? 2 : 3;
        var middle = digits.Length - area - 4;
        return $"{digits[..area]}-{new string('*', Math.Max(middle, 1))}-{digits[^4..]}";
    }

    /// <summary>010-1234-5678: the full number, for the edit form only.</summary>
    public static string FormatPhone(string digits)
    {
        if (digits.Length < 9)
        {
            return digits;
        }
        var area = digits.StartsWith("02", StringComparison.Ordinal) ? 2 : 3;
        return $"{digits[..area]}-{digits[area..^4]}-{digits[^4..]}";
    }
}

/// <summary>Phone numbers ending in <paramref name="Suffix"/> or beginning with <paramref name="Prefix"/> (digits as stored; either may be null).</summary>
public sealed record PhonePattern(string? Suffix, string? Prefix);

/// <summary>The keyset position after which the next page starts, sent to clients as an opaque token.</summary>
public readonly record struct SearchCursor(string Name, long Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Id.ToString(CultureInfo.InvariantCulture) + ":" + Name));

    public static SearchCursor? Decode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? new SearchCursor(text[(colon + 1)..], id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
