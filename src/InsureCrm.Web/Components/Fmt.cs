using System.Globalization;

namespace InsureCrm.Web.Components;

/// <summary>Display formats shared by the pages: ISO dates, amounts in the user's culture, times in Seoul.</summary>
internal static class Fmt
{
    private static readonly TimeZoneInfo Zone = FindZone();

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    public static string Time(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Money(decimal amount, string currency) =>
        amount.ToString("N0", CultureInfo.CurrentCulture) + " " + currency;

    public static string Percent(decimal fraction) => (fraction * 100).ToString("0.00", CultureInfo.CurrentCulture) + "%";

    public static string Text(string? value) => string.IsNullOrWhiteSpace(value) ? "—" : value;

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
