using InsureCrm.Core.Campaigns.Targeting;

namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>
/// Checks a plan before anything is saved (docs/plans/issue12-campaigns.md section 3): each problem under the camelCase
/// path of the request field it concerns, with the bad value named. Pure apart from the offers it is given.
/// </summary>
public static class CampaignValidation
{
    public const int MaxNameLength = 200;
    public static IReadOnlyList<string> Currencies { get; } = ["KRW", "TWD"];

    /// <summary>
    /// Every problem of <paramref name="draft"/>; <paramref name="offers"/> are the catalogue's offers by id. The parsed
    /// rule comes back in <paramref name="rule"/> (null when the draft keeps the current one or it is invalid).
    /// </summary>
    public static CampaignErrors Check(CampaignDraft draft, IReadOnlyDictionary<long, Offer> offers, out RuleDefinition? rule)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(offers);
        var errors = new CampaignErrors();
        void Add(string key, string code, params string[] args) => errors.Add(key, code, args);

        Text(errors, "name", draft.Name, MaxNameLength);
        Text(errors, "theme", draft.Theme, 100);
        Text(errors, "hypothesis", draft.Hypothesis, Campaign.MaxHypothesisLength);
        if (!Enum.IsDefined(draft.Objective))
        {
            Add("objective", "objective.unknown", Arg(draft.Objective));
        }
        foreach (var family in draft.ObjectiveFamilies.Where(f => !Enum.IsDefined(f)))
        {
            Add("objectiveFamilies", "productFamily.unknown", Arg(family));
        }
        if (draft.EndsOn < draft.StartsOn)
        {
            Add("endsOn", "period.endsBeforeStart", Arg(draft.EndsOn, "yyyy-MM-dd"), Arg(draft.StartsOn, "yyyy-MM-dd"));
        }
        if (draft.WindowDays is < 1 or > 366)
        {
            Add("windowDays", "windowDays.range", Arg(draft.WindowDays));
        }
        if (draft.Budget < 0)
        {
            Add("budget", "budget.negative", Arg(draft.Budget, "N0"));
        }
        if (!Currencies.Contains(draft.Currency, StringComparer.Ordinal))
        {
            Add("currency", "currency.unknown", draft.Currency);
        }
        if (draft.ControlShare is <= 0m or >= 1m)
        {
            Add("controlShare", draft.ControlShare <= 0m ? "controlShare.noControl" : "controlShare.noTest", Arg(draft.ControlShare, "P0"));
        }
        if (draft.Alpha is <= 0 or >= 0.5 || double.IsNaN(draft.Alpha))
        {
            Add("alpha", "alpha.range", Arg(draft.Alpha));
        }
        if (draft.Power is <= 0.5 or >= 1 || double.IsNaN(draft.Power))
        {
            Add("power", "power.range", Arg(draft.Power));
        }
        if (draft.BaselineRate is { } p0 && (p0 is <= 0 or >= 1 || double.IsNaN(p0)))
        {
            Add("baselineRate", "baselineRate.range", Arg(p0));
        }
        if (draft.ExpectedLift is <= 0 or >= 1 || double.IsNaN(draft.ExpectedLift))
        {
            Add("expectedLift", "expectedLift.range", Arg(draft.ExpectedLift));
        }
        else if (draft.BaselineRate is { } b && b + draft.ExpectedLift >= 1)
        {
            Add("expectedLift", "expectedLift.reaches100", Arg(b), Arg(draft.ExpectedLift));
        }
        if (!Enum.IsDefined(draft.OverlapRule))
        {
            Add("overlapRule", "overlapRule.unknown", Arg(draft.OverlapRule));
        }
        if (draft.FrequencyCap is < 1 or > 100)
        {
            Add("frequencyCap", "frequencyCap.range", Arg(draft.FrequencyCap));
        }

        CheckChannels(draft, offers, errors);
        CheckScripts(draft, errors);

        rule = null;
        if (draft.RuleDefinition is not null)
        {
            rule = RuleDefinition.Parse(draft.RuleDefinition, errors);
        }
        return errors;
    }

    /// <summary>The problems of an offer as entered.</summary>
    public static CampaignErrors CheckOffer(OfferDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new CampaignErrors();
        if (string.IsNullOrWhiteSpace(draft.Code) || draft.Code.Length > 40)
        {
            errors.Add("code", "offer.codeLength", draft.Code ?? "");
        }
        Text(errors, "name", draft.Name, 200);
        if (draft.Cost is null)
        {
            errors.Add("cost", "offer.noCost");
        }
        else if (draft.Cost < 0)
        {
            errors.Add("cost", "offer.costNegative", Arg(draft.Cost.Value, "N0"));
        }
        if (!Enum.IsDefined(draft.CostBasis))
        {
            errors.Add("costBasis", "offer.costBasisUnknown", Arg(draft.CostBasis));
        }
        if (!Currencies.Contains(draft.Currency, StringComparer.Ordinal))
        {
            errors.Add("currency", "currency.unknown", draft.Currency);
        }
        return errors;
    }

    /// <summary>The problems of one script, keyed <c>{path}.subject</c> / <c>{path}.body</c>, plus its language.</summary>
    public static void CheckScript(string path, CampaignChannelKind channel, string language, string? subject, string body, CampaignErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!ScriptLanguage.All.Contains(language, StringComparer.Ordinal))
        {
            errors.Add(path + ".language", "script.languageUnknown", language, string.Join(", ", ScriptLanguage.All));
        }
        foreach (var (key, error) in ScriptTemplate.Check(path, channel, subject, body))
        {
            errors.Add(key, error);
        }
    }

    private static void CheckChannels(CampaignDraft draft, IReadOnlyDictionary<long, Offer> offers, CampaignErrors errors)
    {
        void add(string key, string code, params string[] args) => errors.Add(key, code, args);
        if (draft.Channels.Count == 0)
        {
            add("channels", "channels.none");
        }
        var seen = new HashSet<CampaignChannelKind>();
        var ranks = new HashSet<int>();
        for (var i = 0; i < draft.Channels.Count; i++)
        {
            var c = draft.Channels[i];
            var path = $"channels[{i}]";
            if (!Enum.IsDefined(c.Channel))
            {
                add(path + ".channel", "channel.unknown", Arg(c.Channel));
            }
            else if (!seen.Add(c.Channel))
            {
                add(path + ".channel", "channel.twice", Arg(c.Channel));
            }
            if (c.Rank < 1 || !ranks.Add(c.Rank))
            {
                add(path + ".rank", "channel.rank", Arg(c.Rank));
            }
            if (c.UnitCost < 0)
            {
                add(path + ".unitCost", "channel.unitCostNegative", Arg(c.UnitCost, "N2"));
            }
            if (c.DailyLimit is < 1)
            {
                add(path + ".dailyLimit", "channel.dailyLimit", Arg(c.DailyLimit));
            }
            if (c.OfferId is { } offerId)
            {
                if (OfferProblem(offerId, offers.GetValueOrDefault(offerId), draft.Currency) is { } problem)
                {
                    errors.Add(path + ".offerId", problem);
                }
            }
        }
    }

    /// <summary>Why a channel may not use <paramref name="offer"/> (<paramref name="offerId"/> of the catalogue, null when there is none), or null.</summary>
    public static FieldError? OfferProblem(long offerId, Offer? offer, string currency) =>
        offer is null ? new("offer.missing", [Arg(offerId)])
        : !offer.Active ? new("offer.inactive", [offer.Code])
        : offer.Currency != currency ? new("offer.currencyMismatch", [offer.Code, offer.Currency, currency])
        : null;

    private static void CheckScripts(CampaignDraft draft, CampaignErrors errors)
    {
        var channels = draft.Channels.Select(c => c.Channel).ToHashSet();
        var seen = new HashSet<(CampaignChannelKind, string)>();
        for (var i = 0; i < draft.Scripts.Count; i++)
        {
            var s = draft.Scripts[i];
            var path = $"scripts[{i}]";
            if (!channels.Contains(s.Channel))
            {
                errors.Add(path + ".channel", "script.channelNotPlanned", Arg(s.Channel));
            }
            if (!seen.Add((s.Channel, s.Language)))
            {
                errors.Add(path + ".language", "script.duplicate", Arg(s.Channel), s.Language);
            }
            CheckScript(path, s.Channel, s.Language, s.Subject, s.Body, errors);
        }
    }

    private static void Text(CampaignErrors errors, string key, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(key, "text.required", key);
        }
        else if (value.Length > max)
        {
            errors.Add(key, "text.tooLong", key, Arg(value.Length, "N0"), Arg(max, "N0"));
        }
    }

    private static string Arg(IFormattable value, string? format = null) => CampaignErrors.Arg(value, format);

    private static string Arg(object? value) => CampaignErrors.Arg(value);
}
