using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;

namespace InsureCrm.Core.CallCenter;

/// <summary>When a call may be made: the contact policy's day time (08:00–21:00 in its zone) and the customer's best hour.</summary>
internal static class QueueTime
{
    /// <summary>The hour a preferred contact time stands for; null when the customer has none (any time, weekends).</summary>
    public static int? BestHour(ContactTime time) => time switch
    {
        ContactTime.Morning => 10,
        ContactTime.Afternoon => 14,
        ContactTime.Evening => 19,
        _ => null,
    };

    /// <summary>The instant (UTC) of <paramref name="hour"/>:00 on a local day.</summary>
    public static DateTime PlannedAt(ContactPolicy policy, DateOnly day, int hour)
    {
        var local = day.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Unspecified);
        return new DateTimeOffset(local, policy.Zone.GetUtcOffset(local)).UtcDateTime;
    }

    /// <summary>The instant itself when calls are allowed then, else the next start of day time (08:00 local).</summary>
    public static DateTimeOffset OutOfQuietHours(ContactPolicy policy, DateTimeOffset at)
    {
        if (!policy.IsNight(at))
        {
            return at;
        }
        var local = TimeZoneInfo.ConvertTime(at, policy.Zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (TimeOnly.FromDateTime(local.DateTime) >= ContactPolicy.DayEnd)
        {
            day = day.AddDays(1);
        }
        return policy.MorningOf(day);
    }
}
