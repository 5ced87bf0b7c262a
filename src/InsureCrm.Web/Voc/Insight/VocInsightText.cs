using System.Globalization;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Insight;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Voc.Insight;

/// <summary>The dashboard's words and links: a row's label in the reader's language, the filtered list behind a number, rates.</summary>
internal static class VocInsightText
{
    public static string Rate(double? rate) => rate is { } r ? (r * 100).ToString("0.0", CultureInfo.CurrentCulture) + "%" : "—";

    public static string Average(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.CurrentCulture) : "—";

    public static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) + "Z";

    public static DateTime? ParseStamp(string? value) =>
        DateTime.TryParseExact(value, "yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null;

    public static string QueryName(VocDimension d) => d switch
    {
        VocDimension.Type => "type",
        VocDimension.Category => "category",
        VocDimension.Channel => "channel",
        VocDimension.Product => "product",
        VocDimension.Branch => "branch",
        _ => "agent",
    };

    /// <summary>The list of a row's cases between two times; null when the row has no key the list can select (no product, no agent).</summary>
    public static string? Link(VocDimension d, string? key, DateTime from, DateTime to)
    {
        if (key is null && d is not (VocDimension.Type or VocDimension.Category))
        {
            return null;
        }
        return $"/voc/list?{QueryName(d)}={Uri.EscapeDataString(key ?? "none")}&from={Stamp(from)}&to={Stamp(to)}";
    }

    public static string Label(Text t, VocDimension d, VocVolumeRow row, IReadOnlyList<VocCategory> categories)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(row);
        return d switch
        {
            VocDimension.Type => Enum.TryParse<VocType>(row.Key, out var type) ? t.Enum(type) : t["voc.unclassified"],
            VocDimension.Channel => Enum.TryParse<VocChannel>(row.Key, out var channel) ? t.Enum(channel) : row.Key ?? "—",
            VocDimension.Category => categories.FirstOrDefault(c => c.Code == row.Key) is { } c ? VocText.CategoryName(c) : t["voc.unclassified"],
            _ => row.Label ?? (row.Key is null ? t["voc.dash.none"] : "#" + row.Key),
        };
    }

    /// <summary>A table as CSV (invariant numbers, cells neutralised): label, key, the twelve weeks, total and the SLA figures.</summary>
    public static string Csv(Text t, VocDimension d, VocDashboardView view, IReadOnlyList<VocCategory> categories)
    {
        ArgumentNullException.ThrowIfNull(view);
        var sb = new System.Text.StringBuilder();
        sb.Append("label,key");
        foreach (var w in view.WeekStarts)
        {
            sb.Append(CultureInfo.InvariantCulture, $",{w:yyyy-MM-dd}");
        }
        sb.Append(",total,first_response_sla,resolution_sla,repeat_rate,satisfaction\r\n");
        static string F(double? v) => v is { } x ? x.ToString("0.####", CultureInfo.InvariantCulture) : "";
        foreach (var r in view.Tables[d])
        {
            sb.Append(Cell(Label(t, d, r, categories))).Append(',').Append(Cell(r.Key ?? ""));
            foreach (var n in r.Weeks)
            {
                sb.Append(',').Append(n.ToString(CultureInfo.InvariantCulture));
            }
            sb.Append(CultureInfo.InvariantCulture, $",{r.Total},{F(r.FirstResponseRate)},{F(r.ResolutionRate)},{F(r.RepeatRate)},{F(r.Satisfaction)}\r\n");
        }
        return sb.ToString();
    }

    private static string Cell(string value)
    {
        var v = Core.Common.CsvCell.Neutralise(value);
        return v.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }
}
