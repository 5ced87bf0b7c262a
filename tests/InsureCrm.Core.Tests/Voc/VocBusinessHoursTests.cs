using InsureCrm.Core.Common;
using InsureCrm.Core.Voc;

namespace InsureCrm.Tests.Voc;

/// <summary>The SLA clocks' business-hours arithmetic: 09:00-18:00 Seoul on the Korean calendar, across Chuseok 2027, a weekend and substitute days.</summary>
public sealed class VocBusinessHoursTests
{
    private static readonly BusinessHours Hours = new(new KoreanBusinessCalendar(new BusinessCalendarOptions()), new VocOptions());

    private static DateTime Seoul(int y, int m, int d, int h, int min = 0) => new DateTime(y, m, d, h, min, 0, DateTimeKind.Utc).AddHours(-9);

    [Fact]
    public void Add_AcrossChuseok2027_SkipsTheThreeHolidays()
    {
        // Chuseok 2027 is lunar 8/15 = Wednesday 15 September; the 14th to the 16th are closed.
        KoreanBusinessCalendar.FromLunar(2027, 8, 15).ShouldBe(new DateOnly(2027, 9, 15));
        var due = Hours.Add(Seoul(2027, 9, 13, 17), 120);
        due.ShouldBe(Seoul(2027, 9, 17, 10));
    }

    [Fact]
    public void HolidaysBetween_AClockAcrossChuseok2027_NamesTheThreeDaysItSkipped_AndNoWeekendOnes()
    {
        var start = Seoul(2027, 9, 13, 17);
        Hours.HolidaysBetween(start, Hours.Add(start, 120))
            .ShouldBe([(new DateOnly(2027, 9, 14), HolidayKind.ChuseokEve), (new DateOnly(2027, 9, 15), HolidayKind.Chuseok), (new DateOnly(2027, 9, 16), HolidayKind.ChuseokAfter)]);
        // Hangul Day 2027 is a Saturday (nothing skipped for it) with its substitute on Monday the 11th (skipped).
        Hours.HolidaysBetween(Seoul(2027, 10, 8, 17), Seoul(2027, 10, 12, 10)).ShouldBe([(new DateOnly(2027, 10, 11), HolidayKind.Substitute)]);
        Hours.HolidaysBetween(Seoul(2027, 3, 5, 17), Seoul(2027, 3, 8, 10)).ShouldBeEmpty();
    }

    [Fact]
    public void Add_OverAWeekend_ContinuesOnMondayMorning()
    {
        Hours.Add(Seoul(2027, 3, 5, 17, 30), 60).ShouldBe(Seoul(2027, 3, 8, 9, 30));
    }

    [Fact]
    public void Add_OverSubstituteHoliday_SkipsIt()
    {
        // Hangul Day 2027 falls on Saturday 9 October: Monday the 11th is its substitute holiday.
        Hours.Add(Seoul(2027, 10, 8, 17), 120).ShouldBe(Seoul(2027, 10, 12, 10));
    }

    [Fact]
    public void Add_StartOutsideHours_CountsFromTheNextOpening()
    {
        Hours.Add(Seoul(2027, 3, 3, 20), 30).ShouldBe(Seoul(2027, 3, 4, 9, 30));
        Hours.Add(Seoul(2027, 3, 3, 7), 30).ShouldBe(Seoul(2027, 3, 3, 9, 30));
        Hours.Add(Seoul(2027, 3, 6, 11), 0).ShouldBe(Seoul(2027, 3, 8, 9));
    }

    [Fact]
    public void Between_CountsOnlyBusinessMinutes_AndUndoesAdd()
    {
        Hours.Between(Seoul(2027, 9, 13, 17), Seoul(2027, 9, 17, 10)).ShouldBe(120);
        Hours.Between(Seoul(2027, 10, 8, 9), Seoul(2027, 10, 12, 18)).ShouldBe(2 * 540);
        Hours.Between(Seoul(2027, 3, 5, 12), Seoul(2027, 3, 5, 11)).ShouldBe(0);
        var start = Seoul(2027, 9, 10, 15, 20);
        foreach (var minutes in new[] { 1, 100, 540, 2_000, 12_345 })
        {
            Hours.Between(start, Hours.Add(start, minutes)).ShouldBe(minutes);
        }
    }
}
