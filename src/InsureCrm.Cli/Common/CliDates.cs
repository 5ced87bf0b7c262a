using System.CommandLine;
using System.Globalization;

namespace InsureCrm.Cli.Common;

/// <summary>
/// The date options of the commands (<c>--as-of</c>, <c>--cutoff</c>): one format, <c>yyyy-MM-dd</c>, one error
/// ("--as-of: '2026-13-01' is not a date (yyyy-MM-dd).") and one default day, today in Korea.
/// </summary>
internal static class CliDates
{
    /// <summary>The <c>--as-of</c> option with the command's own description.</summary>
    public static Option<string?> AsOfOption(string description) => new("--as-of") { Description = description };

    /// <summary>Today's date in Korea (UTC+9, no daylight saving): the default day of a command.</summary>
    public static DateOnly TodayInKorea(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(9));
    }

    /// <summary>
    /// The option's date, or null when it was not given; false (after writing the error to standard error) when the
    /// text is not a <c>yyyy-MM-dd</c> date.
    /// </summary>
    public static bool TryGet(ParseResult parse, Option<string?> option, out DateOnly? date)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(option);
        date = null;
        if (parse.GetValue(option) is not { Length: > 0 } text)
        {
            return true;
        }
        if (TryParse(text, option.Name, out var parsed))
        {
            date = parsed;
            return true;
        }
        return false;
    }

    /// <summary>The option's date, today in Korea when it was not given; false (after writing the error) when it is not a date.</summary>
    public static bool TryGet(ParseResult parse, Option<string?> option, TimeProvider clock, out DateOnly date)
    {
        var ok = TryGet(parse, option, out var given);
        date = given ?? TodayInKorea(clock);
        return ok;
    }

    /// <summary>Parses <paramref name="text"/> as <c>yyyy-MM-dd</c>; on failure writes "OPTION: 'TEXT' is not a date (yyyy-MM-dd)." to standard error.</summary>
    public static bool TryParse(string? text, string option, out DateOnly date)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }
        Console.Error.WriteLine(Error(option, text));
        return false;
    }

    /// <summary>The error for a text that is not a date.</summary>
    public static string Error(string option, string? text) => $"{option}: '{text}' is not a date (yyyy-MM-dd).";
}
