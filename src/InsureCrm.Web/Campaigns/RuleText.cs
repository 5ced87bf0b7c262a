using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Customers;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Campaigns;

/// <summary>
/// A target rule in the reader's language: each field's label (<c>campaign.field.*</c>; a model score and a channel's
/// consent by their own labels), the operator and the values, enum values by their labels (<c>SegmentCell.CrossSell</c>).
/// Keys the strings lack are shown as they are, never dropped.
/// </summary>
internal static class RuleText
{
    private static readonly Dictionary<string, string> EnumOf = new(StringComparer.Ordinal)
    {
        ["segment.cell"] = "SegmentCell", ["segment.strategy"] = "Strategy", ["lifecycle.insurance"] = "LifecycleState",
        ["lifecycle.loan"] = "LifecycleState", ["holds.family"] = "ProductFamily", ["gap.family"] = "ProductFamily",
        ["gender"] = "Gender", ["kind"] = "CustomerKind",
    };

    /// <summary>The label of a catalogue field key.</summary>
    public static string Field(Text t, string key)
    {
        if (key.StartsWith("score.", StringComparison.Ordinal))
        {
            return t.Format("campaign.field.score", Label(t, "scores.model." + key["score.".Length..]));
        }
        if (key.StartsWith("consent.", StringComparison.Ordinal)
            && Enum.GetNames<ContactChannel>().FirstOrDefault(n => n.Equals(key["consent.".Length..], StringComparison.OrdinalIgnoreCase)) is { } channel)
        {
            return t.Format("campaign.field.consent", Label(t, "ContactChannel." + channel));
        }
        return Label(t, "campaign.field." + key, key);
    }

    /// <summary>One condition as a line: field, operator, values.</summary>
    public static string Condition(Text t, RuleCondition c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var op = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(c.Op.ToString());
        var values = c.Op switch
        {
            RuleOp.Between when c.Values.Count == 2 => $"{c.Values[0]}–{c.Values[1]}",
            RuleOp.Is => string.Join(", ", c.Values.Select(v => Label(t, v == "true" ? "campaign.rule.yes" : "campaign.rule.no"))),
            _ => string.Join(", ", c.Values.Select(v => EnumOf.TryGetValue(c.Field, out var type) ? Label(t, type + "." + v, v) : v)),
        };
        return $"{Field(t, c.Field)} {Label(t, "campaign.rule.op." + op, op)} {values}";
    }

    private static string Label(Text t, string key, string? fallback = null) => t.Has(key) ? t[key] : fallback ?? key;
}
