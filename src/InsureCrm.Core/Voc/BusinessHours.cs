using InsureCrm.Core.Common;

namespace InsureCrm.Core.Voc;

/// <summary>
/// Clock arithmetic in business hours: the configured hours (09:00-18:00) of the business days of
/// <see cref="KoreanBusinessCalendar"/> (weekends, public holidays with Seollal and Chuseok, substitute days), in the
/// configured zone. Times go in and out as UTC. Thread-safe.
/// </summary>
public sealed class BusinessHours(KoreanBusinessCalendar calendar, VocOptions options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
    private readonly TimeSpan _open = TimeSpan.FromHours(options.BusinessHourStart);
    private readonly TimeSpan _close = TimeSpan.FromHours(options.BusinessHourEnd);

    /// <summary>Minutes of one business day.</summary>
    public int MinutesPerDay => (int)(_close - _open).TotalMinutes;

    /// <summary>The time <paramref name="minutes"/> business minutes after <paramref name="startUtc"/> (a start outside hours counts from the next opening).</summary>
    public DateTime Add(DateTime startUtc, int minutes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minutes);
        var local = ToLocal(startUtc);
        var day = DateOnly.FromDateTime(local);
        var time = local.TimeOfDay;
        if (!calendar.IsBusinessDay(day) || time >= _close)
        {
            day = calendar.AddBusinessDays(day.AddDays(1), 0);
            time = _open;
        }
        else if (time < _open)
        {
            time = _open;
        }
        var left = TimeSpan.FromMinutes(minutes);
        while (true)
        {
            var today = _close - time;
            if (left <= today)
            {
                return ToUtc(day.ToDateTime(TimeOnly.MinValue) + time + left);
            }
            left -= today;
            day = calendar.AddBusinessDays(day.AddDays(1), 0);
            time = _open;
        }
    }

    /// <summary>Business minutes from <paramref name="fromUtc"/> to <paramref name="toUtc"/> (0 when <paramref name="toUtc"/> is not later).</summary>
    public int Between(DateTime fromUtc, DateTime toUtc)
    {
        if (toUtc <= fromUtc)
        {
            return 0;
        }
        var from = ToLocal(fromUtc);
        var to = ToLocal(toUtc);
        var total = 0d;
        for (var day = DateOnly.FromDateTime(from); day <= DateOnly.FromDateTime(to); day = day.AddDays(1))
        {
            if (!calendar.IsBusinessDay(day))
            {
                continue;
            }
            var open = day.ToDateTime(TimeOnly.MinValue) + _open;
            var close = day.ToDateTime(TimeOnly.MinValue) + _close;
            var start = from > open ? from : open;
            var end = to < close ? to : close;
            if (end > start)
            {
                total += (end - start).TotalMinutes;
            }
        }
        return (int)Math.Floor(total);
    }

    /// <summary>
    /// The public holidays on weekdays from <paramref name="fromUtc"/>'s day to <paramref name="toUtc"/>'s (local days), in date
    /// order: the days a clock running between them skipped besides weekends, so a page can say why a deadline lies where it lies.
    /// </summary>
    public IReadOnlyList<(DateOnly Day, HolidayKind Kind)> HolidaysBetween(DateTime fromUtc, DateTime toUtc)
    {
        var list = new List<(DateOnly, HolidayKind)>();
        var last = DateOnly.FromDateTime(ToLocal(toUtc));
        for (var day = DateOnly.FromDateTime(ToLocal(fromUtc)); day <= last && list.Count < 60; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && calendar.Holidays(day.Year).TryGetValue(day, out var kind))
            {
                list.Add((day, kind));
            }
        }
        return list;
    }

    private DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);

    private DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _zone);
}
