namespace InsureCrm.Core.Common;

/// <summary>
/// What a phone number is, once for imports, edits, search and the do-not-call registry: its digits as stored in
/// <c>customer_phone.number</c> (+82 becomes the leading 0, and a 0 written after +82 by habit is dropped, so
/// "+82 10 …", "+82 010 …" and "010 …" are one number), and a Korean number is 9 to 11 of them starting with 0.
/// Which separators a caller accepts around the digits is the caller's (a typed form is stricter than a source file).
/// </summary>
public static class PhoneNumber
{
    public const int MinDigits = 9;
    public const int MaxDigits = 11;

    /// <summary>The digits as stored: every ASCII digit of <paramref name="text"/>, with +82 turned into a leading 0.</summary>
    public static string Digits(string text)
    {
        var digits = AsciiDigits.Of(text);
        if (text.AsSpan().TrimStart().StartsWith('+') && digits.StartsWith("82", StringComparison.Ordinal))
        {
            digits = string.Concat("0", digits.AsSpan(2).TrimStart('0'));
        }
        return digits;
    }

    /// <summary>Stored digits that make a whole Korean number: 9 to 11 digits starting with 0.</summary>
    public static bool IsWhole(string digits) => digits.Length is >= MinDigits and <= MaxDigits && digits[0] == '0';
}
