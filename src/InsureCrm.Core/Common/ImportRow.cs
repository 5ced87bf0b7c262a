using System.Globalization;

namespace InsureCrm.Core.Common;

/// <summary>Why one field of one row was refused. Reasons never quote the value: it may be personal data.</summary>
internal sealed record RowError(string Column, string Reason);

/// <summary>
/// One data row of an import file with typed accessors. An accessor that cannot read its field records an
/// error and returns null; the loader rejects the row when <see cref="Errors"/> is not empty.
/// </summary>
internal sealed class ImportRow(int line, string[] fields, IReadOnlyDictionary<string, int> columns)
{
    /// <summary>
    /// The largest amount imported, in the contract's currency: 13 digits (just under 10 trillion). No single
    /// premium, sum assured, loan or claim of a customer comes near it, and in hundredths (the value chain's
    /// <c>decimal × 100 → Int64</c>) even 90,000 of them summed stay within a 64-bit integer.
    /// </summary>
    public const decimal MaxMoney = StoredRanges.MaxAmount - 1m;

    /// <summary>
    /// The dates an insurer's records hold: births from 1900, maturities of whole-life contracts up to 2200. The
    /// same window the nightly chain computes with (<see cref="StoredRanges"/>), so nothing imported is skipped there.
    /// </summary>
    public static readonly DateOnly EarliestDate = StoredRanges.MinDate;
    public static readonly DateOnly LatestDate = StoredRanges.MaxDate;

    private List<RowError>? _errors;

    public int Line { get; } = line;
    public string[] Fields { get; } = fields;
    public IReadOnlyList<RowError> Errors => (IReadOnlyList<RowError>?)_errors ?? [];
    public bool HasErrors => _errors is { Count: > 0 };

    /// <summary>What the loader made of the row before writing it (an import loader's <c>Prepare</c>).</summary>
    public object? Prepared { get; set; }

    public void Error(string column, string reason) => (_errors ??= []).Add(new RowError(column, reason));

    public bool Has(string column) => columns.ContainsKey(column);

    /// <summary>
    /// The trimmed field, or null when the column is absent or the cell empty. A tab or line break inside the
    /// value is refused unless <paramref name="multiline"/> (free text such as notes and addresses); other
    /// control characters never reach here (<see cref="ImportFile"/> rejects them).
    /// </summary>
    public string? Text(string column, int maxLength = 200, bool required = false, bool multiline = false)
    {
        string? value = null;
        if (columns.TryGetValue(column, out var i) && i < Fields.Length)
        {
            value = Fields[i].Trim();
            if (value.Length == 0)
            {
                value = null;
            }
        }
        if (value is null)
        {
            if (required)
            {
                Error(column, "required value is missing");
            }
            return null;
        }
        if (value.Length > maxLength)
        {
            Error(column, $"longer than {maxLength} characters");
            return null;
        }
        if (!multiline && value.AsSpan().IndexOfAny('\t', '\r', '\n') >= 0)
        {
            Error(column, "contains a tab or line break, which this column does not allow");
            return null;
        }
        return value;
    }

    /// <summary>
    /// A date between <see cref="EarliestDate"/> and <see cref="LatestDate"/>, and not after
    /// <paramref name="latest"/> when given (dates of events that have happened, e.g. an issue date).
    /// </summary>
    public DateOnly? Date(string column, bool required = false, DateOnly? latest = null)
    {
        var text = Text(column, 40, required);
        if (text is null)
        {
            return null;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Error(column, "not a date in the form yyyy-MM-dd");
            return null;
        }
        if (date < EarliestDate || date > LatestDate)
        {
            Error(column, string.Create(CultureInfo.InvariantCulture, $"outside the dates an insurer holds ({EarliestDate:yyyy-MM-dd} to {LatestDate:yyyy-MM-dd})"));
            return null;
        }
        if (date > latest)
        {
            Error(column, string.Create(CultureInfo.InvariantCulture, $"later than {latest:yyyy-MM-dd}: more than a year after the import"));
            return null;
        }
        return date;
    }

    /// <summary>A moment: ISO 8601 with an offset, or a local time (yyyy-MM-dd HH:mm[:ss]) in <paramref name="zone"/>.</summary>
    public DateTime? Moment(string column, TimeZoneInfo zone, bool required = false)
    {
        var text = Text(column, 40, required);
        if (text is null)
        {
            return null;
        }
        string[] local = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];
        DateTime? moment = null;
        if (DateTime.TryParseExact(text, local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            moment = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(t, DateTimeKind.Unspecified), zone);
        }
        else if ((text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 10)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var o))
        {
            moment = o.UtcDateTime;
        }
        if (moment is null)
        {
            Error(column, "not a time in the form yyyy-MM-dd HH:mm[:ss] or ISO 8601 with offset");
            return null;
        }
        if (DateOnly.FromDateTime(moment.Value) is var day && (day < EarliestDate || day > LatestDate))
        {
            Error(column, string.Create(CultureInfo.InvariantCulture, $"outside the dates an insurer holds ({EarliestDate:yyyy-MM-dd} to {LatestDate:yyyy-MM-dd})"));
            return null;
        }
        return moment;
    }

    /// <summary>Money as a plain integer (no separators, no decimals), from 0 to <see cref="MaxMoney"/>.</summary>
    public decimal? Money(string column, bool required = false)
    {
        var text = Text(column, 20, required);
        if (text is null)
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            Error(column, "not a plain non-negative integer amount (no separators or decimals)");
            return null;
        }
        if (v > MaxMoney)
        {
            Error(column, string.Create(CultureInfo.InvariantCulture, $"more than {MaxMoney:N0}, the largest amount an import holds"));
            return null;
        }
        return v;
    }

    public decimal? Decimal(string column, decimal min, decimal max, bool required = false)
    {
        var text = Text(column, 20, required);
        if (text is null)
        {
            return null;
        }
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
        {
            return v;
        }
        Error(column, string.Create(CultureInfo.InvariantCulture, $"not a decimal number between {min} and {max}"));
        return null;
    }

    public int? Int(string column, int min, int max, bool required = false)
    {
        var text = Text(column, 12, required);
        if (text is null)
        {
            return null;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
        {
            return v;
        }
        Error(column, string.Create(CultureInfo.InvariantCulture, $"not a whole number between {min} and {max}"));
        return null;
    }

    /// <summary>An enum member by name (case-insensitive); numbers are refused.</summary>
    public TEnum? Enum<TEnum>(string column, bool required = false) where TEnum : struct, Enum
    {
        var text = Text(column, 40, required);
        if (text is null)
        {
            return null;
        }
        if (!char.IsAsciiDigit(text[0]) && text[0] != '-' && System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var v) && System.Enum.IsDefined(v))
        {
            return v;
        }
        Error(column, $"unknown value; expected one of: {string.Join(", ", System.Enum.GetNames<TEnum>())}");
        return null;
    }

    /// <summary>A phone number in any format, normalised to digits (+82 becomes a leading 0).</summary>
    public string? Phone(string column)
    {
        var text = Text(column, 40);
        if (text is null)
        {
            return null;
        }
        var digits = PhoneNumber.Digits(text);
        if (!PhoneNumber.IsWhole(digits) || ContainsLetter(text))
        {
            Error(column, "not a phone number (9 to 11 digits starting with 0, or +82)");
            return null;
        }
        return digits;
    }

    private static bool ContainsLetter(string text)
    {
        foreach (var ch in text)
        {
            if (char.IsLetter(ch))
            {
                return true;
            }
        }
        return false;
    }

    public string? Email(string column)
    {
        var text = Text(column, 200);
        if (text is null)
        {
            return null;
        }
        if (!EmailAddress.IsValid(text))
        {
            Error(column, "not an e-mail address");
            return null;
        }
        return text;
    }
}
