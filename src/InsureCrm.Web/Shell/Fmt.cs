using System.Globalization;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Shell;

/// <summary>
/// Display formats shared by the pages: ISO dates, amounts in the user's culture with the currency named in the
/// user's language (a Taiwanese reader must see that an amount is in won, not in New Taiwan dollars), times in Seoul.
/// </summary>
internal static class Fmt
{
    private static readonly TimeZoneInfo Zone = FindZone();

    // The pages' own strings: Fmt is static, and the currency's name belongs with the other translations.
    private static readonly Text Strings = new();

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    public static string Time(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>1,234원 / KRW 1,234 / 1,234 韓圓: the amount with its currency, as the user's language writes it.</summary>
    public static string Money(decimal amount, string currency) =>
        WithCurrency(amount.ToString("N0", CultureInfo.CurrentCulture), currency);

    /// <summary>The currency's name in the user's language (원, KRW, 韓圓), for a column header or a chart's legend.</summary>
    public static string Currency(string currency) =>
        Strings.Has("currency." + currency) ? Strings["currency." + currency] : currency;

    /// <summary>A range of amounts in millions for a chart's axis, the unit named: -56~46.7백만 원 / KRW -56M–46.7M / -56至46.7百萬韓圓.</summary>
    public static string MillionsRange(decimal from, decimal to, string currency) =>
        string.Format(CultureInfo.CurrentCulture, Strings["money.millionsRange"], Millions(from), Millions(to), Currency(currency));

    private static string Millions(decimal amount) => (amount / 1_000_000m).ToString("#,0.#", CultureInfo.CurrentCulture);

    private static string WithCurrency(string number, string currency) =>
        Strings.Has("money." + currency)
            ? string.Format(CultureInfo.CurrentCulture, Strings["money." + currency], number)
            : number + " " + currency;

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
