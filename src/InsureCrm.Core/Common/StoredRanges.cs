using System.Collections.Concurrent;
using System.Text.Json;

namespace InsureCrm.Core.Common;

/// <summary>
/// What a stored date or amount must lie within for the nightly chain (value, lifecycle, segments) and the
/// insurer models to compute with it. Imports refuse dates outside the same window and amounts above it; these hold for rows written by an
/// older version or directly by SQL, which a run then skips with a <see cref="SkipReason"/> instead of failing.
/// Wide enough for any real book: whole-life maturities run into the 2100s, and 10 trillion won is more
/// than any one contract's premium, sum assured or claim.
/// </summary>
public static class StoredRanges
{
    public static readonly DateOnly MinDate = new(1900, 1, 1);
    public static readonly DateOnly MaxDate = new(2200, 12, 31);

    /// <summary>KRW. Premiums × every due date of a 200-year horizon still fit numeric(18,0) and a fingerprint's long.</summary>
    public const decimal MaxAmount = 10_000_000_000_000m;

    /// <summary>The largest absolute value a customer_value amount column (numeric(18,0)) holds.</summary>
    public const decimal MaxStoredValue = 999_999_999_999_999_999m;

    public static bool IsDate(DateOnly date) => date >= MinDate && date <= MaxDate;

    public static bool IsDate(DateOnly? date) => date is not { } d || IsDate(d);

    public static bool IsDate(DateTime time) => IsDate(DateOnly.FromDateTime(time));

    public static bool IsAmount(decimal amount) => amount >= 0m && amount <= MaxAmount;

    /// <summary>
    /// <paramref name="date"/> plus <paramref name="years"/>, or the calendar's last (first) day where the sum
    /// would leave it: a stored 9999-12-31 plus a retention period means "never", not an exception.
    /// </summary>
    public static DateOnly AddYearsSaturating(DateOnly date, int years) =>
        years > 0 && date > DateOnly.MaxValue.AddYears(-years) ? DateOnly.MaxValue
        : years < 0 && date < DateOnly.MinValue.AddYears(-years) ? DateOnly.MinValue
        : date.AddYears(years);
}

/// <summary>
/// Why a run left a customer, contract or agent out: reason codes for logs, run records and summaries;
/// never the value itself (it may be personal data).
/// </summary>
public static class SkipReason
{
    public const string Premium = "premium_out_of_range";
    public const string SumAssured = "sum_assured_out_of_range";
    public const string Claims = "claims_out_of_range";
    public const string IssueDate = "issue_date_out_of_range";
    public const string MaturityDate = "maturity_date_out_of_range";
    public const string StatusDate = "status_date_out_of_range";
    public const string BirthDate = "birth_date_out_of_range";
    public const string LoanDate = "loan_date_out_of_range";
    public const string AgentDate = "agent_date_out_of_range";
    /// <summary>The computed value does not fit the stored columns.</summary>
    public const string ValueOutOfRange = "value_out_of_range";
    /// <summary>A feature came out infinite (an amount beyond what a double holds).</summary>
    public const string Feature = "feature_out_of_range";
    /// <summary>The computation overflowed or left the calendar on values that passed the checks (a defect to report).</summary>
    public const string Arithmetic = "arithmetic_error";
}

/// <summary>Skips of one run by reason, safe to add to from parallel chunks.</summary>
public sealed class SkipCounts
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Add(string reason, int count = 1) => _counts.AddOrUpdate(reason, count, (_, n) => n + count);

    public int Total => _counts.Values.Sum();

    /// <summary>Counts by reason code, ordered by code.</summary>
    public IReadOnlyDictionary<string, int> ByReason => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    /// <summary>As stored on a run: <c>{"issue_date_out_of_range":1}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(ByReason);

    public static IReadOnlyDictionary<string, int> FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? new SortedDictionary<string, int>(StringComparer.Ordinal)
        : new SortedDictionary<string, int>(JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? [], StringComparer.Ordinal);

    /// <summary>"2 skipped (issue_date_out_of_range 1, premium_out_of_range 1)", or "" when nothing was skipped.</summary>
    public static string Describe(IReadOnlyDictionary<string, int> byReason)
    {
        ArgumentNullException.ThrowIfNull(byReason);
        var total = byReason.Values.Sum();
        return total == 0 ? ""
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{total:N0} skipped ({string.Join(", ", byReason.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0}")))})");
    }
}
