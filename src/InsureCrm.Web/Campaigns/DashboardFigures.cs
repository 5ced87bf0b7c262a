using System.Globalization;
using InsureCrm.Core.Campaigns;

namespace InsureCrm.Web.Campaigns;

/// <summary>One dimension of the dashboard as a table: a row per key, its count in each shown period and in all of them.</summary>
internal sealed record DashboardTable(string Dimension, IReadOnlyList<DateOnly> Periods, IReadOnlyList<DashboardTableRow> Rows)
{
    public long Total => Rows.Sum(r => r.Total);
}

internal sealed record DashboardTableRow(string Key, IReadOnlyList<long> ByPeriod, long Total);

/// <summary>
/// The sums and tables the dashboard page shows from Core's counts (<see cref="CampaignDashboard.Counts"/>): contacts are
/// the <c>channel</c> dimension, refusals the <c>blocked</c> one; weeks start on Monday, as in Korean and Taiwanese offices.
/// </summary>
internal static class DashboardFigures
{
    /// <summary>The dimensions in the order the page lists them.</summary>
    public static readonly string[] Dimensions = ["channel", "branch", "agent", "outcome", "blocked", "response"];

    /// <summary>How many periods a table shows (the latest ones); the chart shows them all.</summary>
    public const int TablePeriods = 7;

    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public static long Sum(CampaignDashboard dashboard, string dimension, Func<DateOnly, bool> when) =>
        dashboard.Counts.Where(c => c.Dimension == dimension && when(c.Period)).Sum(c => c.Count);

    /// <summary>Every period with a count, oldest first.</summary>
    public static IReadOnlyList<DateOnly> Periods(CampaignDashboard dashboard) =>
        [.. dashboard.Counts.Select(c => c.Period).Distinct().Order()];

    public static DashboardTable Table(CampaignDashboard dashboard, string dimension, int periods = TablePeriods)
    {
        var counts = dashboard.Counts.Where(c => c.Dimension == dimension).ToList();
        var shown = Periods(dashboard).TakeLast(periods).ToList();
        var rows = counts.GroupBy(c => c.Key, StringComparer.Ordinal)
            .Select(g => new DashboardTableRow(g.Key, [.. shown.Select(p => g.Where(c => c.Period == p).Sum(c => c.Count))], g.Sum(c => c.Count)))
            .OrderByDescending(r => r.Total).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        return new DashboardTable(dimension, shown, rows);
    }

    /// <summary>A period's label: the day (<c>MM-dd</c>) or the week's Monday (<c>yyyy-MM-dd</c>).</summary>
    public static string Label(DashboardPeriod period, DateOnly first) =>
        period == DashboardPeriod.Day ? first.ToString("MM-dd", CultureInfo.InvariantCulture) : first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The string key that names a key of a dimension, when there is one (enum names); branch and agent codes are shown as they are.</summary>
    public static IEnumerable<string> LabelKeys(string dimension, string key) => dimension switch
    {
        "channel" => ["CampaignChannelKind." + key],
        "outcome" => ["CallOutcome." + key],
        "blocked" => ["ContactReason." + key, "CampaignBlockReason." + key],
        "response" => ["campaign.dashboard.arm." + key],
        _ => [],
    };
}
