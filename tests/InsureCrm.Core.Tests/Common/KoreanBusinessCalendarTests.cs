using System.Globalization;
using InsureCrm.Core.Common;

namespace InsureCrm.Tests.Common;

/// <summary>The business-day calendar against the official public holiday lists (관공서 공휴일, the ministry's yearly announcements).</summary>
public sealed class KoreanBusinessCalendarTests
{
    private static readonly KoreanBusinessCalendar Calendar = new(new BusinessCalendarOptions());

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TheoryData<int, string[]> OfficialLists => new()
    {
        {
            2024,
            [
                "2024-01-01", "2024-02-09", "2024-02-10", "2024-02-11", "2024-02-12", "2024-03-01", "2024-04-10", "2024-05-05", "2024-05-06",
                "2024-05-15", "2024-06-06", "2024-08-15", "2024-09-16", "2024-09-17", "2024-09-18", "2024-10-01", "2024-10-03", "2024-10-09",
                "2024-12-25",
            ]
        },
        {
            2025,
            [
                "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-03-01", "2025-03-03", "2025-05-05", "2025-05-06",
                "2025-06-03", "2025-06-06", "2025-08-15", "2025-10-03", "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08", "2025-10-09",
                "2025-12-25",
            ]
        },
        {
            2026,
            [
                "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-03-01", "2026-03-02", "2026-05-05", "2026-05-24", "2026-05-25",
                "2026-06-03", "2026-06-06", "2026-08-15", "2026-08-17", "2026-09-24", "2026-09-25", "2026-09-26", "2026-10-03", "2026-10-05",
                "2026-10-09", "2026-12-25",
            ]
        },
    };

    [Theory, MemberData(nameof(OfficialLists))]
    public void Holidays_Year_MatchOfficialList(int year, string[] expected)
    {
        var actual = Calendar.Holidays(year).Keys.Order().Select(KoreanBusinessCalendar.Format).ToArray();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("2024-02-12", HolidayKind.Substitute)]  // Seollal's last day on a Sunday
    [InlineData("2024-05-06", HolidayKind.Substitute)]  // Children's Day on a Sunday
    [InlineData("2025-03-03", HolidayKind.Substitute)]  // 3/1 on a Saturday
    [InlineData("2025-05-06", HolidayKind.Substitute)]  // Children's Day and Buddha's Birthday on one day
    [InlineData("2025-10-08", HolidayKind.Substitute)]  // Chuseok's eve on a Sunday
    [InlineData("2026-03-02", HolidayKind.Substitute)]
    [InlineData("2026-05-25", HolidayKind.Substitute)]  // Buddha's Birthday on a Sunday (rule of 2023)
    [InlineData("2026-08-17", HolidayKind.Substitute)]
    [InlineData("2026-10-05", HolidayKind.Substitute)]  // 10/3 on a Saturday
    [InlineData("2025-05-05", HolidayKind.ChildrensDay)]
    [InlineData("2026-09-25", HolidayKind.Chuseok)]
    [InlineData("2023-05-27", HolidayKind.BuddhasBirthday)]  // lunar 4/8 after 2023's leap second month
    [InlineData("2023-05-29", HolidayKind.Substitute)]
    public void Holidays_NamedDay_HasKind(string date, HolidayKind kind)
    {
        var d = D(date);
        Assert.Equal(kind, Calendar.Holidays(d.Year)[d]);
        Assert.False(Calendar.IsBusinessDay(d));
    }

    [Theory]
    [InlineData("2026-06-08")]  // Memorial Day on a Saturday (6/6): no substitute
    [InlineData("2026-09-28")]  // Chuseok on Thu-Sat: Saturday gives no substitute
    [InlineData("2019-10-07")]  // 10/3 and 10/9 had no substitutes before 2021
    [InlineData("2020-08-17")]  // ... nor had 8/15 (2020's 8/17 was a one-off temporary holiday, configured, not built in)
    public void Holidays_DayWithoutSubstitute_IsBusinessDay(string date) => Assert.True(Calendar.IsBusinessDay(D(date)));

    [Theory]
    [InlineData("2026-09-23", 1, "2026-09-28")]  // across Chuseok (24-26) and the weekend
    [InlineData("2026-09-23", 3, "2026-09-30")]
    [InlineData("2026-10-02", 1, "2026-10-06")]  // Friday, then the weekend and 10/5's substitute
    [InlineData("2026-03-10", 3, "2026-03-13")]
    [InlineData("2026-03-13", -1, "2026-03-12")]
    [InlineData("2026-02-14", 0, "2026-02-19")]  // a Saturday before Seollal: the next business day
    public void AddBusinessDays_SkipsWeekendsAndHolidays(string from, int days, string expected) =>
        Assert.Equal(D(expected), Calendar.AddBusinessDays(D(from), days));

    [Fact]
    public void BusinessDaysBetween_CountsOnlyBusinessDays()
    {
        Assert.Equal(2, Calendar.BusinessDaysBetween(D("2026-09-23"), D("2026-09-29")));
        Assert.Equal(-2, Calendar.BusinessDaysBetween(D("2026-09-29"), D("2026-09-23")));
        Assert.Equal(5, Calendar.BusinessDaysBetween(D("2026-03-06"), D("2026-03-13")));
    }

    [Fact]
    public void ExtraClosedDays_FromOptions_AreNotBusinessDays()
    {
        var calendar = new KoreanBusinessCalendar(new BusinessCalendarOptions { ExtraClosedDays = [D("2026-12-31")] });
        Assert.False(calendar.IsBusinessDay(D("2026-12-31")));
        Assert.True(Calendar.IsBusinessDay(D("2026-12-31")));
        Assert.Equal(D("2027-01-04"), calendar.AddBusinessDays(D("2026-12-30"), 1));
    }
}
