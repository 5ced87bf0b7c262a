using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Customers;

/// <summary>
/// A Korean resident registration number (주민등록번호): YYMMDD-GNNNNNN. The 7th digit gives century
/// and gender (1/2: 1900s, 3/4: 2000s, 9/0: 1800s; 5-8 for registered foreigners).
/// </summary>
public readonly record struct Rrn
{
    private Rrn(string digits, DateOnly birthDate, Gender gender)
    {
        Digits = digits;
        BirthDate = birthDate;
        Gender = gender;
    }

    /// <summary>The 13 digits without the hyphen: the form that is encrypted and hashed.</summary>
    public string Digits { get; }
    public DateOnly BirthDate { get; }
    public Gender Gender { get; }
    /// <summary>The display form, 900101-1******.</summary>
    public string Masked => Mask(Digits);
    public string Formatted => Format(Digits);

    public override string ToString() => Masked;

    /// <summary>
    /// The masked form of an RRN however it is written (its digits count): 900101-1******, the birth date and
    /// the gender digit kept, the serial hidden; anything but 13 digits is all stars.
    /// </summary>
    public static string Mask(string text)
    {
        var digits = AsciiDigits.Of(text);
        return digits.Length == 13
            ? string.Create(14, digits, static (chars, d) =>
            {
                d.AsSpan(0, 6).CopyTo(chars);
                chars[6] = '-';
                chars[7] = d[6];
                chars[8..].Fill('*');
            })
            : new string('*', digits.Length);
    }

    /// <summary>Stored digits as written, 900101-1234567 (for the few who may see it in full); anything but 13 digits as it is.</summary>
    public static string Format(string digits) => digits.Length == 13 ? $"{digits[..6]}-{digits[6..]}" : digits;

    /// <summary>
    /// What of a stated birth date and gender this RRN contradicts: its first six digits give the birth date, its
    /// seventh the gender. A missing birth date or an unknown gender contradicts nothing.
    /// </summary>
    public RrnConflict ConflictWith(DateOnly? birthDate, Gender? gender) =>
        (birthDate is { } b && b != BirthDate ? RrnConflict.BirthDate : RrnConflict.None)
        | (gender is { } g && g != Gender.Unknown && g != Gender ? RrnConflict.Gender : RrnConflict.None);

    public static bool TryParse(string? text, [NotNullWhen(true)] out Rrn? rrn, [NotNullWhen(false)] out string? error)
    {
        rrn = null;
        var digits = (text ?? "").Trim().Replace("-", "", StringComparison.Ordinal);
        if (digits.Length != 13 || digits.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            error = "RRN must be 13 digits (YYMMDD-NNNNNNN)";
            return false;
        }
        var g = digits[6] - '0';
        var century = g switch { 1 or 2 or 5 or 6 => 1900, 3 or 4 or 7 or 8 => 2000, 9 or 0 => 1800, _ => 0 };
        var year = century + int.Parse(digits.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var month = int.Parse(digits.AsSpan(2, 2), CultureInfo.InvariantCulture);
        var day = int.Parse(digits.AsSpan(4, 2), CultureInfo.InvariantCulture);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            error = "RRN birth date (first 6 digits) is not a real date";
            return false;
        }
        rrn = new Rrn(digits, new DateOnly(year, month, day), g % 2 == 1 ? Gender.Male : Gender.Female);
        error = null;
        return true;
    }

    /// <summary>
    /// Builds a well-formed RRN for a birth date and gender with the given serial digits and a check digit;
    /// <paramref name="foreigner"/> gives a foreign registration number (7th digit 5-8).
    /// </summary>
    public static Rrn Create(DateOnly birthDate, Gender gender, int serial, bool foreigner = false)
    {
        var g = (birthDate.Year >= 2000 ? 3 : 1) + (gender == Gender.Female ? 1 : 0) + (foreigner ? 4 : 0);
        var first12 = string.Create(CultureInfo.InvariantCulture, $"{birthDate:yyMMdd}{g}{serial % 100000:D5}");
        int[] weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (first12[i] - '0') * weights[i];
        }
        var check = (11 - (sum % 11)) % 10;
        return TryParse(first12 + check.ToString(CultureInfo.InvariantCulture), out var rrn, out var error)
            ? rrn.Value
            : throw new ArgumentOutOfRangeException(nameof(birthDate), error);
    }
}

/// <summary>The stated facts an RRN contradicts (<see cref="Rrn.ConflictWith"/>).</summary>
[Flags]
public enum RrnConflict
{
    None = 0,
    /// <summary>The first six digits are not the stated birth date.</summary>
    BirthDate = 1,
    /// <summary>The seventh digit is not the stated gender.</summary>
    Gender = 2,
}
