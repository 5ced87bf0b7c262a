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
    public static Dictionary<string, List<string>> Check(CampaignDraft draft, IReadOnlyDictionary<long, Offer> offers, out RuleDefinition? rule)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(offers);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string message) => RuleDefinition.Add(errors, key, message);

        Text(errors, "name", draft.Name, MaxNameLength);
        Text(errors, "theme", draft.Theme, 100);
        Text(errors, "hypothesis", draft.Hypothesis, Campaign.MaxHypothesisLength);
        if (!Enum.IsDefined(draft.Objective))
        {
            Add("objective", $"'{draft.Objective}' is not an objective.");
        }
        foreach (var family in draft.ObjectiveFamilies.Where(f => !Enum.IsDefined(f)))
        {
            Add("objectiveFamilies", $"'{family}' is not a product family.");
        }
        if (draft.EndsOn < draft.StartsOn)
        {
            Add("endsOn", $"The period ends on {draft.EndsOn:yyyy-MM-dd}, before it starts on {draft.StartsOn:yyyy-MM-dd}.");
        }
        if (draft.WindowDays is < 1 or > 366)
        {
            Add("windowDays", $"The response window of {draft.WindowDays} days must be 1 to 366 days.");
        }
        if (draft.Budget < 0)
        {
            Add("budget", $"The budget {draft.Budget:N0} must not be negative.");
        }
        if (!Currencies.Contains(draft.Currency, StringComparer.Ordinal))
        {
            Add("currency", $"'{draft.Currency}' is not a currency we book (KRW or TWD).");
        }
        if (draft.ControlShare is <= 0m or >= 1m)
        {
            Add("controlShare", $"A control share of {draft.ControlShare:P0} leaves no {(draft.ControlShare <= 0m ? "control" : "test")} group; choose a share between 0 and 100 %.");
        }
        if (draft.Alpha is <= 0 or >= 0.5 || double.IsNaN(draft.Alpha))
        {
            Add("alpha", $"The significance level {draft.Alpha} must be between 0 and 0.5.");
        }
        if (draft.Power is <= 0.5 or >= 1 || double.IsNaN(draft.Power))
        {
            Add("power", $"The power {draft.Power} must be between 0.5 and 1.");
        }
        if (draft.BaselineRate is { } p0 && (p0 is <= 0 or >= 1 || double.IsNaN(p0)))
        {
            Add("baselineRate", $"The baseline response rate {p0} must be between 0 and 1.");
        }
        if (draft.ExpectedLift is <= 0 or >= 1 || double.IsNaN(draft.ExpectedLift))
        {
            Add("expectedLift", $"The expected lift {draft.ExpectedLift} must be between 0 and 1.");
        }
        else if (draft.BaselineRate is { } b && b + draft.ExpectedLift >= 1)
        {
            Add("expectedLift", $"A baseline of {b} plus a lift of {draft.ExpectedLift} reaches 100 %.");
        }
        if (!Enum.IsDefined(draft.OverlapRule))
        {
            Add("overlapRule", $"'{draft.OverlapRule}' is not an overlap rule.");
        }
        if (draft.FrequencyCap is < 1 or > 100)
        {
            Add("frequencyCap", $"A frequency cap of {draft.FrequencyCap} contacts must be 1 to 100.");
        }

        CheckChannels(draft, offers, Add);
        CheckScripts(draft, Add);

        rule = null;
        if (draft.RuleDefinition is not null)
        {
            rule = RuleDefinition.Parse(draft.RuleDefinition, errors);
        }
        return errors;
    }

    /// <summary>The problems of an offer as entered.</summary>
    public static Dictionary<string, List<string>> CheckOffer(OfferDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(draft.Code) || draft.Code.Length > 40)
        {
            RuleDefinition.Add(errors, "code", $"The offer code '{draft.Code}' must be 1 to 40 characters.");
        }
        Text(errors, "name", draft.Name, 200);
        if (draft.Cost is null)
        {
            RuleDefinition.Add(errors, "cost", "The offer has no cost; enter what it costs (0 for a free offer).");
        }
        else if (draft.Cost < 0)
        {
            RuleDefinition.Add(errors, "cost", $"The offer cost {draft.Cost:N0} must not be negative.");
        }
        if (!Enum.IsDefined(draft.CostBasis))
        {
            RuleDefinition.Add(errors, "costBasis", $"'{draft.CostBasis}' is not a cost basis.");
        }
        if (!Currencies.Contains(draft.Currency, StringComparer.Ordinal))
        {
            RuleDefinition.Add(errors, "currency", $"'{draft.Currency}' is not a currency we book (KRW or TWD).");
        }
        return errors;
    }

    /// <summary>The problems of one script, keyed <c>{path}.subject</c> / <c>{path}.body</c>, plus its language.</summary>
    public static void CheckScript(string path, CampaignChannelKind channel, string language, string? subject, string body, Action<string, string> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        if (!ScriptLanguage.All.Contains(language, StringComparer.Ordinal))
        {
            add(path + ".language", $"'{language}' is not a script language ({string.Join(", ", ScriptLanguage.All)}).");
        }
        foreach (var (key, message) in ScriptTemplate.Check(path, channel, subject, body))
        {
            add(key, message);
        }
    }

    private static void CheckChannels(CampaignDraft draft, IReadOnlyDictionary<long, Offer> offers, Action<string, string> add)
    {
        if (draft.Channels.Count == 0)
        {
            add("channels", "The plan needs at least one channel.");
        }
        var seen = new HashSet<CampaignChannelKind>();
        var ranks = new HashSet<int>();
        for (var i = 0; i < draft.Channels.Count; i++)
        {
            var c = draft.Channels[i];
            var path = $"channels[{i}]";
            if (!Enum.IsDefined(c.Channel))
            {
                add(path + ".channel", $"'{c.Channel}' is not a channel.");
            }
            else if (!seen.Add(c.Channel))
            {
                add(path + ".channel", $"The channel {c.Channel} is listed twice.");
            }
            if (c.Rank < 1 || !ranks.Add(c.Rank))
            {
                add(path + ".rank", $"The rank {c.Rank} must be 1 or more and differ from the other channels'.");
            }
            if (c.UnitCost < 0)
            {
                add(path + ".unitCost", $"The cost per contact {c.UnitCost:N2} must not be negative.");
            }
            if (c.DailyLimit is < 1)
            {
                add(path + ".dailyLimit", $"The daily limit {c.DailyLimit} must be at least 1 (or none).");
            }
            if (c.OfferId is { } offerId)
            {
                if (!offers.TryGetValue(offerId, out var offer))
                {
                    add(path + ".offerId", $"There is no offer {offerId}.");
                }
                else if (!offer.Active)
                {
                    add(path + ".offerId", $"The offer '{offer.Code}' is no longer active.");
                }
                else if (offer.Currency != draft.Currency)
                {
                    add(path + ".offerId", $"The offer '{offer.Code}' is priced in {offer.Currency}, the campaign in {draft.Currency}.");
                }
            }
        }
    }

    private static void CheckScripts(CampaignDraft draft, Action<string, string> add)
    {
        var channels = draft.Channels.Select(c => c.Channel).ToHashSet();
        var seen = new HashSet<(CampaignChannelKind, string)>();
        for (var i = 0; i < draft.Scripts.Count; i++)
        {
            var s = draft.Scripts[i];
            var path = $"scripts[{i}]";
            if (!channels.Contains(s.Channel))
            {
                add(path + ".channel", $"The script is for {s.Channel}, which is not a channel of the plan.");
            }
            if (!seen.Add((s.Channel, s.Language)))
            {
                add(path + ".language", $"There is already a {s.Channel} script in '{s.Language}'.");
            }
            CheckScript(path, s.Channel, s.Language, s.Subject, s.Body, add);
        }
    }

    private static void Text(Dictionary<string, List<string>> errors, string key, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            RuleDefinition.Add(errors, key, $"The {key} is required.");
        }
        else if (value.Length > max)
        {
            RuleDefinition.Add(errors, key, $"The {key} is {value.Length:N0} characters long; at most {max:N0} are allowed.");
        }
    }

    /// <summary>The errors as the result records carry them.</summary>
    public static IReadOnlyDictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
