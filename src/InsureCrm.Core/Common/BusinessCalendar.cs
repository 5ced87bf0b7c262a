using System.Globalization;

namespace InsureCrm.Core.Common;

/// <summary>
/// Closed days beyond the statutory public holidays (configuration section <c>BusinessCalendar</c>): election days and
/// temporary holidays (임시공휴일) that the government designates year by year. docs/orphans.md, "The business-day calendar".
/// </summary>
public sealed class BusinessCalendarOptions
{
    public const string Section = "BusinessCalendar";

    /// <summary>The designated closed days already known when this was written; <see cref="ExtraClosedDays"/> adds to them.</summary>
    public static readonly IReadOnlyList<DateOnly> KnownClosedDays =
    [
        new(2024, 4, 10),  // 22nd National Assembly election
        new(2024, 10, 1),  // Armed Forces Day, temporary holiday
        new(2025, 1, 27),  // temporary holiday before Seollal
        new(2025, 6, 3),   // 21st presidential election
        new(2026, 6, 3),   // 9th local elections
    ];

    /// <summary>More closed days (yyyy-MM-dd), for elections and temporary holidays designated after this release.</summary>
    public List<DateOnly> ExtraClosedDays { get; set; } = [];
}

/// <summary>Why a day is a public holiday.</summary>
public enum HolidayKind
{
    NewYear, SeollalEve, Seollal, SeollalAfter, Independence, ChildrensDay, BuddhasBirthday, Memorial, Liberation,
    ChuseokEve, Chuseok, ChuseokAfter, Foundation, Hangul, Christmas, Substitute, Designated,
}

/// <summary>
/// The Korean business-day calendar: Saturdays, Sundays, the public holidays of the Regulation on Holidays of Government
/// Offices (관공서의 공휴일에 관한 규정) with their substitute holidays (대체공휴일) under the rules in force each year, and the
/// configured closed days. A shared service: worklist SLAs, orphan first contact and VOC deadlines count on it. Thread-safe.
/// </summary>
public sealed class KoreanBusinessCalendar
{
    private static readonly KoreanLunisolarCalendar Lunar = new();
    private static readonly DateOnly PortableFrom = new(2021, 8, 4);   // 3/1, 8/15, 10/3, 10/9 substitutable (the 2021 Public Holidays Act)
    private static readonly DateOnly BuddhaChristmasFrom = new(2023, 5, 4);

    private readonly HashSet<DateOnly> _designated;
    private readonly Dictionary<int, IReadOnlyDictionary<DateOnly, HolidayKind>> _years = [];
    private readonly Lock _lock = new();

    public KoreanBusinessCalendar(BusinessCalendarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _designated = [.. BusinessCalendarOptions.KnownClosedDays, .. options.ExtraClosedDays];
    }

    /// <summary>The public holidays of <paramref name="year"/> (substitutes and configured closed days included), by date.</summary>
    public IReadOnlyDictionary<DateOnly, HolidayKind> Holidays(int year)
    {
        lock (_lock)
        {
            if (!_years.TryGetValue(year, out var days))
            {
                days = Compute(year, _designated);
                _years[year] = days;
            }
            return days;
        }
    }

    public bool IsHoliday(DateOnly date) => Holidays(date.Year).ContainsKey(date);

    /// <summary>Monday to Friday and not a holiday.</summary>
    public bool IsBusinessDay(DateOnly date) => date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date);

    /// <summary>
    /// The business day <paramref name="days"/> business days after <paramref name="date"/> (before it when negative); 0 gives the
    /// date itself if it is a business day, else the next one.
    /// </summary>
    public DateOnly AddBusinessDays(DateOnly date, int days)
    {
        if (days == 0)
        {
            while (!IsBusinessDay(date))
            {
                date = date.AddDays(1);
            }
            return date;
        }
        var step = days > 0 ? 1 : -1;
        for (var left = Math.Abs(days); left > 0;)
        {
            date = date.AddDays(step);
            if (IsBusinessDay(date))
            {
                left--;
            }
        }
        return date;
    }

    /// <summary>Business days after <paramref name="from"/> up to and including <paramref name="to"/> (negative when <paramref name="to"/> is earlier).</summary>
    public int BusinessDaysBetween(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            return -BusinessDaysBetween(to, from);
        }
        var n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
        {
            if (IsBusinessDay(d))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>The Gregorian date of lunar <paramref name="month"/>/<paramref name="day"/> (the regular month, not a leap one) of lunar year <paramref name="year"/>.</summary>
    public static DateOnly FromLunar(int year, int month, int day)
    {
        // A leap month takes the index after the month it repeats: with leap month index L, regular months from L on move up one.
        var leap = Lunar.GetLeapMonth(year);
        var index = leap != 0 && leap <= month ? month + 1 : month;
        return DateOnly.FromDateTime(Lunar.ToDateTime(year, index, day, 0, 0, 0, 0));
    }

    private sealed record Occurrence(DateOnly Date, HolidayKind Kind, Group Group, DateOnly Anchor);

    private enum Group { Fixed, Block, Children, Portable, BuddhaChristmas, Designated }

    private static Dictionary<DateOnly, HolidayKind> Compute(int year, HashSet<DateOnly> designated)
    {
        var list = new List<Occurrence>();
        void Add(DateOnly d, HolidayKind k, Group g, DateOnly? anchor = null)
        {
            if (d.Year == year)
            {
                list.Add(new(d, k, g, anchor ?? d));
            }
        }
        Add(new(year, 1, 1), HolidayKind.NewYear, Group.Fixed);
        var seollal = FromLunar(year, 1, 1);
        Add(seollal.AddDays(-1), HolidayKind.SeollalEve, Group.Block, seollal.AddDays(1));
        Add(seollal, HolidayKind.Seollal, Group.Block, seollal.AddDays(1));
        Add(seollal.AddDays(1), HolidayKind.SeollalAfter, Group.Block, seollal.AddDays(1));
        Add(new(year, 3, 1), HolidayKind.Independence, Group.Portable);
        Add(new(year, 5, 5), HolidayKind.ChildrensDay, Group.Children);
        Add(FromLunar(year, 4, 8), HolidayKind.BuddhasBirthday, Group.BuddhaChristmas);
        Add(new(year, 6, 6), HolidayKind.Memorial, Group.Fixed);
        Add(new(year, 8, 15), HolidayKind.Liberation, Group.Portable);
        var chuseok = FromLunar(year, 8, 15);
        Add(chuseok.AddDays(-1), HolidayKind.ChuseokEve, Group.Block, chuseok.AddDays(1));
        Add(chuseok, HolidayKind.Chuseok, Group.Block, chuseok.AddDays(1));
        Add(chuseok.AddDays(1), HolidayKind.ChuseokAfter, Group.Block, chuseok.AddDays(1));
        Add(new(year, 10, 3), HolidayKind.Foundation, Group.Portable);
        Add(new(year, 10, 9), HolidayKind.Hangul, Group.Portable);
        Add(new(year, 12, 25), HolidayKind.Christmas, Group.BuddhaChristmas);
        foreach (var d in designated.Where(d => d.Year == year))
        {
            Add(d, HolidayKind.Designated, Group.Designated);
        }

        var result = new Dictionary<DateOnly, HolidayKind>();
        foreach (var o in list.OrderBy(o => o.Date).ThenBy(o => o.Kind))
        {
            result.TryAdd(o.Date, o.Kind);
        }
        // Substitutes: each holiday that loses its day (a weekend its rule covers, or a day another holiday already holds,
        // where its rule covers overlaps) gives the first weekday after it (after the whole block for Seollal and Chuseok)
        // that is neither a holiday nor an earlier substitute.
        var triggers = new List<DateOnly>();
        foreach (var day in list.GroupBy(o => o.Date).OrderBy(g => g.Key))
        {
            var weekend = day.Key.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var lost = 0;
            var anchors = new List<DateOnly>();
            foreach (var o in day)
            {
                if (weekend && CoversWeekend(o, day.Key.DayOfWeek))
                {
                    lost++;
                    anchors.Add(o.Anchor);
                }
            }
            if (!weekend && day.Count() > 1)
            {
                var eligible = day.Where(CoversOverlap).ToList();
                lost = Math.Min(day.Count() - 1, eligible.Count);
                anchors.AddRange(eligible.Take(lost).Select(o => o.Anchor));
            }
            triggers.AddRange(anchors);
        }
        foreach (var anchor in triggers.Order())
        {
            var d = anchor.AddDays(1);
            while (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || result.ContainsKey(d))
            {
                d = d.AddDays(1);
            }
            if (d.Year == year)
            {
                result[d] = HolidayKind.Substitute;
            }
        }
        return result;
    }

    private static bool CoversWeekend(Occurrence o, DayOfWeek dow) => o.Group switch
    {
        Group.Block => o.Date.Year >= 2014 && dow == DayOfWeek.Sunday,
        Group.Children => o.Date.Year >= 2014,
        Group.Portable => o.Date >= PortableFrom,
        Group.BuddhaChristmas => o.Date >= BuddhaChristmasFrom,
        _ => false,
    };

    private static bool CoversOverlap(Occurrence o) => o.Group switch
    {
        Group.Block or Group.Children => o.Date.Year >= 2014,
        _ => false,
    };

    /// <summary>The date as yyyy-MM-dd, for messages.</summary>
    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
