using System.Globalization;
using InsureCrm.Core.Models;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Shell;

/// <summary>
/// Model names and score reasons as people read them, shared by the customer page (customer and contract scores)
/// and the agent score list. Reasons are stored as feature keys and values (docs/insurer-models.md), so every
/// language translates them: <c>model.feature.KEY</c> for the feature; a categorical value that is an enum name
/// through the enum's own strings (<c>productFamily</c> WholeLife → <c>ProductFamily.WholeLife</c>).
/// </summary>
internal static class ScoreText
{
    /// <summary>The enum-string key of a categorical value: the feature key with a capital first letter, a dot, the level name.</summary>
    public static string CategoryKey(string feature, string value) => char.ToUpperInvariant(feature[0]) + feature[1..] + "." + value;

    public static string Model(Text t, string name) => t.Has("scores.model." + name) ? t["scores.model." + name] : name;

    /// <summary>A learner's name as people read it (logistic → 로지스틱 회귀); a name this build does not know stays as stored.</summary>
    public static string Algorithm(Text t, string name) => t.Has("algorithm." + name) ? t["algorithm." + name] : name;

    public static string Percent(double score) => score.ToString("P1", CultureInfo.CurrentCulture);

    /// <summary>"Premium burden vs income 0.42 (raises)": the feature's name, the row's value and which way it moved the score.</summary>
    public static string Reason(Text t, ScoreReason r)
    {
        var value = r.Value == "missing" ? t["scores.missing"]
            : r.Feature == "monthsSinceContact" && r.Value == InsurerFeatures.NoContactMonths.ToString(CultureInfo.InvariantCulture) ? t["scores.noContact12m"]
            : double.TryParse(r.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number.ToString("0.##", CultureInfo.CurrentCulture)
            : t.Has(CategoryKey(r.Feature, r.Value)) ? t[CategoryKey(r.Feature, r.Value)] : r.Value;
        var feature = t.Has("model.feature." + r.Feature) ? t["model.feature." + r.Feature] : r.Feature;
        return $"{feature} {value} ({(r.Effect >= 0 ? t["scores.raises"] : t["scores.lowers"])})";
    }

    public static string Reasons(Text t, IEnumerable<ScoreReason> reasons) => string.Join(" · ", reasons.Select(r => Reason(t, r)));
}
