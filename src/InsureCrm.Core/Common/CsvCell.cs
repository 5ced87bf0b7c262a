using System.Buffers;

namespace InsureCrm.Core.Common;

/// <summary>
/// The one way we write a CSV cell, for every CSV file the product writes (rejects files, the access review,
/// the data-subject usage report, model exports and score files). A cell that a spreadsheet would run as a
/// formula — text starting with <c>= + - @</c>, tab or CR — gets a single quote in front, as OWASP's CSV
/// injection advice says; Excel shows the rest as text, and saves it back without the quote.
/// <para>
/// A plain decimal number (<c>-12.5</c>, <c>1E-05</c>) is left as it is: a spreadsheet reads it as a number,
/// which cannot call anything, and our own readers (the workbench reads model exports and score files back)
/// must get the same number back. Only <c>-?digits[.digits][E±digits]</c> counts; <c>+1</c>, <c>-1+1</c> or
/// <c>-A1</c> are formulas to a spreadsheet and get the quote.
/// </para>
/// </summary>
internal static class CsvCell
{
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    /// <summary>The value made safe to open in a spreadsheet, not yet quoted (for a writer that quotes, such as CsvHelper's).</summary>
    public static string Neutralise(string? value)
    {
        if (string.IsNullOrEmpty(value) || !FormulaStarts.Contains(value[0]) || IsPlainNumber(value))
        {
            return value ?? "";
        }
        return "'" + value;
    }

    /// <summary>One RFC 4180 field: neutralised, then quoted when it holds a comma, quote or line break.</summary>
    public static string Field(string? value)
    {
        var safe = Neutralise(value);
        return safe.AsSpan().IndexOfAny(NeedsQuotes) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }

    /// <summary>One RFC 4180 field, always quoted (for writers that quote every text cell).</summary>
    public static string Quoted(string? value) => value is null ? "" : "\"" + Neutralise(value).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary><c>-?digits[.digits][E[+-]digits]</c>: what a spreadsheet reads as a number and our readers parse back.</summary>
    internal static bool IsPlainNumber(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && s[i] == '-')
        {
            i++;
        }
        var digits = Digits(s, ref i);
        if (i < s.Length && s[i] == '.')
        {
            i++;
            digits += Digits(s, ref i);
        }
        if (digits == 0)
        {
            return false;
        }
        if (i < s.Length && s[i] is 'E' or 'e')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }
            if (Digits(s, ref i) == 0)
            {
                return false;
            }
        }
        return i == s.Length;
    }

    private static int Digits(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }
        return i - start;
    }
}
