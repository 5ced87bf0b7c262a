using System.Globalization;
using InsureCrm.Core.Campaigns;

namespace InsureCrm.Web.Campaigns;

/// <summary>
/// The roll-out form of a closed pilot's record page: name, period, target rule (the pilot's unless changed) and budget
/// (the pilot's when blank). Kept as typed, so a refused form comes back with nothing lost.
/// </summary>
internal sealed class RollOutForm
{
    /// <summary>The form's fields; Core's error keys map onto them (<c>rules[2].field</c> belongs to the rule).</summary>
    public static readonly string[] Fields = ["name", "startsOn", "endsOn", "ruleDefinition", "budget", "upliftTopN"];

    /// <summary>The <see cref="Targeting"/> value that contacts the top N by the pilot's uplift model.</summary>
    public const string ByUplift = "uplift";

    public string? Name { get; set; }
    public string? StartsOn { get; set; }
    public string? EndsOn { get; set; }
    public string? RuleDefinition { get; set; }
    public string? Budget { get; set; }
    /// <summary><c>rule</c> (every customer the rule selects) or <see cref="ByUplift"/>.</summary>
    public string? Targeting { get; set; }
    public string? TopN { get; set; }
    /// <summary>"true" keeps the customers predicted to react badly.</summary>
    public string? KeepNegative { get; set; }

    public bool IsByUplift => Targeting == ByUplift;

    /// <summary>The pilot's roll-out as first offered: its name marked as the roll-out, from tomorrow for four weeks, the pilot's rule.</summary>
    public static RollOutForm For(string? rule, string name, DateOnly today) => new()
    {
        Name = name,
        StartsOn = Iso(today.AddDays(1)),
        EndsOn = Iso(today.AddDays(28)),
        RuleDefinition = rule,
    };

    /// <summary>Core's draft, or null with the fields that are not a date or a number named in <paramref name="errors"/>.</summary>
    public RollOutDraft? ToDraft(CampaignErrors errors)
    {
        var starts = Date(StartsOn, "startsOn", errors);
        var ends = Date(EndsOn, "endsOn", errors);
        decimal? budget = null;
        if (!string.IsNullOrWhiteSpace(Budget))
        {
            if (decimal.TryParse(Budget.Trim().Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var b))
            {
                budget = b;
            }
            else
            {
                errors.Add("budget", "form.notNumber", Budget);
            }
        }
        int? topN = null;
        if (IsByUplift)
        {
            if (int.TryParse(TopN?.Trim().Replace(",", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                topN = n;
            }
            else
            {
                errors.Add("upliftTopN", "form.notNumber", TopN ?? "");
            }
        }
        return errors.Count > 0 ? null
            : new RollOutDraft((Name ?? "").Trim(), starts, ends, RuleDefinition ?? "", budget, topN, IsByUplift && KeepNegative == "true");
    }

    /// <summary>The form field a Core error key belongs to; null when the form has no such field.</summary>
    public static string? FieldOf(string coreKey) =>
        coreKey.StartsWith("rules", StringComparison.Ordinal) || coreKey.StartsWith("rule", StringComparison.Ordinal) ? "ruleDefinition"
        : Fields.Contains(coreKey, StringComparer.OrdinalIgnoreCase) ? Fields.First(f => string.Equals(f, coreKey, StringComparison.OrdinalIgnoreCase))
        : null;

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Date(string? text, string key, CampaignErrors errors)
    {
        if (DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var v))
        {
            return v;
        }
        errors.Add(key, "form.notDate", text ?? "");
        return default;
    }
}
