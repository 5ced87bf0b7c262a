using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace InsureCrm.Core.Customers;

/// <summary>Reading what people type into the search box, and masking what is shown back.</summary>
public static class SearchText
{
    /// <summary>
    /// 13 digits (typed 6-7 with a hyphen or without) are an RRN; 9 to 11 digits starting with 0 a phone
    /// number in any format (+82 and separators allowed); letters mixed with digits a contract number;
    /// anything else a name.
    /// </summary>
    public static SearchKind Detect(string text)
    {
        var t = text.Trim();
        if (t.Length == 0)
        {
            return SearchKind.Name;
        }
        var digits = Digits(t);
        var onlyDigitsAndSeparators = t.All(c => char.IsAsciiDigit(c) || c is '-' or ' ' or '(' or ')' or '.' or '+');
        if (onlyDigitsAndSeparators && digits.Length == 13 && !t.StartsWith('+'))
        {
            return SearchKind.Rrn;
        }
        if (onlyDigitsAndSeparators && PhoneDigits(t) is { Length: >= 9 and <= 11 } phone && phone[0] == '0')
        {
            return SearchKind.Phone;
        }
        if (digits.Length > 0 && t.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return SearchKind.ContractNumber;
        }
        return SearchKind.Name;
    }

    public static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));

    /// <summary>The digits as stored in customer_phone.number: +82 10 … becomes 010….</summary>
    public static string PhoneDigits(string text)
    {
        var digits = Digits(text);
        if (text.TrimStart().StartsWith('+') && digits.StartsWith("82", StringComparison.Ordinal))
        {
            digits = "0" + digits[2..].TrimStart('0');
        }
        return digits;
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
