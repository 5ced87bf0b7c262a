using System.Globalization;
using InsureCrm.Core.Orphans;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Orphans;

/// <summary>The retention dashboard's figures in words: rates as "92.1 %", differences in percentage points as "+3.7%p".</summary>
internal static class RetentionText
{
    public static string Rate(double rate) =>
        double.IsNaN(rate) ? "–" : (rate * 100).ToString("0.0", CultureInfo.CurrentCulture) + " %";

    public static string Points(double difference) =>
        (difference * 100).ToString("+0.0;-0.0;0.0", CultureInfo.CurrentCulture) + "%p";

    public static string PointsBare(double difference) =>
        (difference * 100).ToString("+0.0;-0.0;0.0", CultureInfo.CurrentCulture);

    /// <summary>"즉시 배정 92.1 % vs 지연 배정 88.4 %, 차이 +3.7%p (95 % 신뢰구간 +0.9 ~ +6.5)", or null when an arm is empty.</summary>
    public static string? Waves(Text t, RateComparison? c, string key)
    {
        ArgumentNullException.ThrowIfNull(t);
        return c is null ? null : t.Format(key, Rate(c.First.Rate), Rate(c.Second.Rate), Points(c.Difference), PointsBare(c.Ci.Low), PointsBare(c.Ci.High));
    }
}
