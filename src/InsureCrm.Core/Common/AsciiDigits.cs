namespace InsureCrm.Core.Common;

/// <summary>The ASCII digits of a text, the one way phone numbers, RRNs and registration numbers are reduced to digits.</summary>
public static class AsciiDigits
{
    /// <summary>Every ASCII digit of <paramref name="text"/> in order: the same string when it is digits only, else one new string.</summary>
    public static string Of(string text)
    {
        if (!text.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return text;
        }
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var count = 0;
        foreach (var ch in text)
        {
            if (char.IsAsciiDigit(ch))
            {
                buffer[count++] = ch;
            }
        }
        return new string(buffer[..count]);
    }
}
