namespace InsureCrm.Core.Policies;

/// <summary>
/// A contract's premium due dates: the issue date, then every payment period after it (the n-th counted from the issue
/// date, so a contract issued on the 31st falls due on the last day of shorter months without drifting). Lump-sum
/// contracts have no schedule.
/// </summary>
public static class PremiumSchedule
{
    /// <summary>Months per payment period; null for a lump sum.</summary>
    public static int? MonthsPerPeriod(PaymentMode mode) => mode switch
    {
        PaymentMode.Monthly => 1,
        PaymentMode.Quarterly => 3,
        PaymentMode.SemiAnnual => 6,
        PaymentMode.Annual => 12,
        _ => null,
    };

    /// <summary>The <paramref name="n"/>-th due date (0 = the issue date).</summary>
    public static DateOnly Due(DateOnly issue, int months, int n) => issue.AddMonths(n * months);

    /// <summary>The index of the first due date on or after <paramref name="date"/> (0 when the date is not after the issue date).</summary>
    public static int FirstOnOrAfter(DateOnly issue, int months, DateOnly date)
    {
        if (date <= issue)
        {
            return 0;
        }
        var n = Math.Max(0, ((date.Year - issue.Year) * 12 + date.Month - issue.Month) / months - 1);
        while (Due(issue, months, n) < date)
        {
            n++;
        }
        return n;
    }

    /// <summary>Due dates in [<paramref name="from"/>, <paramref name="to"/>): how many fall due from one day up to the day before another.</summary>
    public static int DueBetween(DateOnly issue, int months, DateOnly from, DateOnly to) =>
        to <= from ? 0 : Math.Max(0, FirstOnOrAfter(issue, months, to) - FirstOnOrAfter(issue, months, from));

    /// <summary>
    /// The premiums of a contract past due on <paramref name="asOf"/>: those falling due from its paid-to date up to the day
    /// before (<see cref="Unpaid.Count"/>), out of the last <paramref name="window"/> due before that day (fewer for a young
    /// contract, more when more are unpaid: <see cref="Unpaid.OutOf"/>), and the day its grace period ends (the last day of
    /// the month after the first unpaid premium fell due: unpaid then, the contract lapses). Null when none is past due, the
    /// mode has no schedule or the paid-to date is unknown.
    /// </summary>
    public static Unpaid? UnpaidOn(DateOnly issue, PaymentMode mode, DateOnly? paidTo, DateOnly asOf, int window)
    {
        if (paidTo is not { } paid || MonthsPerPeriod(mode) is not { } months || paid >= asOf)
        {
            return null;
        }
        var count = DueBetween(issue, months, paid, asOf);
        if (count == 0)
        {
            return null;
        }
        var due = FirstOnOrAfter(issue, months, asOf);
        var first = Due(issue, months, FirstOnOrAfter(issue, months, paid));
        var graceEnd = new DateOnly(first.Year, first.Month, 1).AddMonths(2).AddDays(-1);
        return new Unpaid(count, Math.Max(count, Math.Min(window, due)), first, graceEnd);
    }
}

/// <summary>Premiums past due: <see cref="Count"/> of the last <see cref="OutOf"/>, the first due on <see cref="FirstDue"/>, lapse after <see cref="GraceEnd"/>.</summary>
public sealed record Unpaid(int Count, int OutOf, DateOnly FirstDue, DateOnly GraceEnd);
