using System.Globalization;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Policies;

namespace InsureCrm.Web.Campaigns;

/// <summary>One channel row of the plan form: used or not, its waterfall rank, offer, unit cost and daily limit.</summary>
internal sealed class ChannelForm
{
    public CampaignChannelKind Channel { get; set; }
    public bool On { get; set; }
    public string? Rank { get; set; }
    public string? OfferId { get; set; }
    public string? UnitCost { get; set; }
    public string? DailyLimit { get; set; }
}

/// <summary>One script of the plan form, for a channel and a language; an empty body is no script.</summary>
internal sealed class ScriptForm
{
    public CampaignChannelKind Channel { get; set; }
    public string Language { get; set; } = ScriptLanguage.Korean;
    public string? Subject { get; set; }
    public string? Body { get; set; }
}

/// <summary>A product family ticked as a response of the objective.</summary>
internal sealed class FamilyChoice
{
    public ProductFamily Family { get; set; }
    public bool On { get; set; }
}

/// <summary>
/// The plan form of <c>/campaigns/new</c> and <c>/campaigns/{id}/edit</c>. Every field is kept as typed (text), so a
/// refused form comes back with nothing lost; <see cref="ToDraft"/> parses it into Core's <see cref="CampaignDraft"/>,
/// and the errors of both (parsing here, validation in Core) are keyed by the form's field names.
/// </summary>
internal sealed class CampaignFormModel
{
    public int Version { get; set; }
    public string? Name { get; set; }
    public string? Theme { get; set; }
    public string? Hypothesis { get; set; }
    public CampaignObjective Objective { get; set; } = CampaignObjective.NewContract;
    public List<FamilyChoice> Families { get; set; } = [];
    public string? WindowDays { get; set; } = "60";
    public string? StartsOn { get; set; }
    public string? EndsOn { get; set; }
    public string? Budget { get; set; }
    public string? Currency { get; set; } = "KRW";
    public string? ControlShare { get; set; } = "0.2";
    public string? Alpha { get; set; } = "0.05";
    public string? Power { get; set; } = "0.8";
    public string? BaselineRate { get; set; }
    public string? ExpectedLift { get; set; } = "0.01";
    public OverlapRule OverlapRule { get; set; } = OverlapRule.Exclude;
    public string? Priority { get; set; } = "0";
    public string? FrequencyCap { get; set; } = "3";
    public bool IsPilot { get; set; } = true;
    public List<ChannelForm> Channels { get; set; } = [];
    public List<ScriptForm> Scripts { get; set; } = [];

    /// <summary>The error key of a channel's row (<c>channel.Email</c>) and of a script (<c>script.Email.ko</c>).</summary>
    public static string ChannelKey(CampaignChannelKind channel) => "channel." + channel;

    public static string ScriptKey(CampaignChannelKind channel, string language) => $"script.{channel}.{language}";

    /// <summary>A blank plan starting tomorrow, for four weeks.</summary>
    public static CampaignFormModel New(DateOnly today)
    {
        var start = today.AddDays(1);
        var form = new CampaignFormModel { StartsOn = Iso(start), EndsOn = Iso(start.AddDays(27)) };
        form.Complete();
        return form;
    }

    public static CampaignFormModel From(CampaignRecord record)
    {
        var c = record.Campaign;
        var families = c.ObjectiveFamilies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var form = new CampaignFormModel
        {
            Version = c.Version,
            Name = c.Name,
            Theme = c.Theme,
            Hypothesis = c.Hypothesis,
            Objective = c.Objective,
            Families = [.. Enum.GetValues<ProductFamily>().Select(f => new FamilyChoice { Family = f, On = families.Contains(f.ToString()) })],
            WindowDays = Num(c.WindowDays),
            StartsOn = Iso(c.StartsOn),
            EndsOn = Iso(c.EndsOn),
            Budget = Num(c.Budget),
            Currency = c.Currency,
            ControlShare = Num(c.ControlShare),
            Alpha = Num(c.Alpha),
            Power = Num(c.Power),
            BaselineRate = c.BaselineRate is { } b ? Num(b) : null,
            ExpectedLift = Num(c.ExpectedLift),
            OverlapRule = c.OverlapRule,
            Priority = Num(c.Priority),
            FrequencyCap = Num(c.FrequencyCap),
            IsPilot = c.IsPilot,
            Channels = [.. record.Channels.Select(ch => new ChannelForm
            {
                Channel = ch.Channel, On = true, Rank = Num(ch.Rank), OfferId = ch.OfferId is { } o ? Num(o) : null,
                UnitCost = Num(ch.UnitCost), DailyLimit = ch.DailyLimit is { } d ? Num(d) : null,
            })],
            Scripts = [.. record.Scripts.Select(s => new ScriptForm { Channel = s.Channel, Language = s.Language, Subject = s.Subject, Body = s.Body })],
        };
        form.Complete();
        return form;
    }

    /// <summary>Adds the rows the form shows that a posted or stored plan lacks (every family, channel and script slot), in a fixed order.</summary>
    public void Complete()
    {
        Families = [.. Enum.GetValues<ProductFamily>().Select(f => Families.Find(x => x.Family == f) ?? new FamilyChoice { Family = f })];
        Channels = [.. Enum.GetValues<CampaignChannelKind>().Select((k, i) => Channels.Find(x => x.Channel == k)
            ?? new ChannelForm { Channel = k, Rank = Num(i + 1), UnitCost = "0" })];
        Scripts = [.. Enum.GetValues<CampaignChannelKind>().SelectMany(k => ScriptLanguage.All.Select(l => Scripts.Find(x => x.Channel == k && x.Language == l)
            ?? new ScriptForm { Channel = k, Language = l }))];
    }

    /// <summary>
    /// The draft to send, or the fields that do not parse (keyed as Core keys them, so both show in the same place);
    /// <paramref name="channelKeys"/> and <paramref name="scriptKeys"/> map the draft's list positions back to form keys.
    /// </summary>
    public CampaignDraft? ToDraft(string? ruleDefinition, CampaignErrors errors, out string[] channelKeys, out string[] scriptKeys)
    {
        var windowDays = Int(WindowDays, "windowDays", errors);
        var startsOn = Date(StartsOn, "startsOn", errors);
        var endsOn = Date(EndsOn, "endsOn", errors);
        var budget = Dec(Budget, "budget", errors);
        var controlShare = Dec(ControlShare, "controlShare", errors);
        var alpha = Dbl(Alpha, "alpha", errors);
        var power = Dbl(Power, "power", errors);
        double? baseline = string.IsNullOrWhiteSpace(BaselineRate) ? null : Dbl(BaselineRate, "baselineRate", errors);
        var lift = Dbl(ExpectedLift, "expectedLift", errors);
        var priority = Int(Priority, "priority", errors);
        var cap = Int(FrequencyCap, "frequencyCap", errors);

        var channels = new List<ChannelDraft>();
        var keys = new List<string>();
        foreach (var ch in Channels.Where(c => c.On))
        {
            var key = ChannelKey(ch.Channel);
            var rank = Int(ch.Rank, key, errors);
            long? offer = string.IsNullOrWhiteSpace(ch.OfferId) ? null : Long(ch.OfferId, key, errors);
            var cost = Dec(ch.UnitCost, key, errors);
            int? limit = string.IsNullOrWhiteSpace(ch.DailyLimit) ? null : Int(ch.DailyLimit, key, errors);
            channels.Add(new ChannelDraft(ch.Channel, rank, offer, cost, limit));
            keys.Add(key);
        }
        var scripts = new List<ScriptDraft>();
        var sKeys = new List<string>();
        foreach (var s in Scripts.Where(s => !string.IsNullOrWhiteSpace(s.Body) || !string.IsNullOrWhiteSpace(s.Subject)))
        {
            scripts.Add(new ScriptDraft(s.Channel, s.Language, string.IsNullOrWhiteSpace(s.Subject) ? null : s.Subject.Trim(), s.Body ?? ""));
            sKeys.Add(ScriptKey(s.Channel, s.Language));
        }
        channelKeys = [.. keys];
        scriptKeys = [.. sKeys];
        if (errors.Count > 0)
        {
            return null;
        }
        return new CampaignDraft(
            (Name ?? "").Trim(), (Theme ?? "").Trim(), (Hypothesis ?? "").Trim(), Objective,
            [.. Families.Where(f => f.On).Select(f => f.Family)], windowDays, startsOn, endsOn, budget, (Currency ?? "").Trim(),
            ruleDefinition, controlShare, alpha, power, baseline, lift, OverlapRule, priority, cap, IsPilot, channels, scripts);
    }

    /// <summary>
    /// Core's error keys as the form's: <c>channels[1].unitCost</c> → the second sent channel's row, <c>scripts[0].body</c> →
    /// the first sent script, the rest as they are (<c>controlShare</c>).
    /// </summary>
    public static string FormKey(string coreKey, string[] channelKeys, string[] scriptKeys)
    {
        static int? Index(string key, string prefix) =>
            key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && key.IndexOf(']', StringComparison.Ordinal) is var close and > 0
            && int.TryParse(key.AsSpan(prefix.Length, close - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        if (Index(coreKey, "channels[") is { } c)
        {
            return c < channelKeys.Length ? channelKeys[c] : "channels";
        }
        if (Index(coreKey, "scripts[") is { } s)
        {
            return s < scriptKeys.Length ? scriptKeys[s] : "scripts";
        }
        return coreKey;
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Num(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static int Int(string? text, string key, CampaignErrors errors)
    {
        if (int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        errors.Add(key, "form.notWhole", text ?? "");
        return 0;
    }

    private static long Long(string? text, string key, CampaignErrors errors)
    {
        if (long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        errors.Add(key, "form.notId", text ?? "");
        return 0;
    }

    private static decimal Dec(string? text, string key, CampaignErrors errors)
    {
        if (decimal.TryParse(text?.Trim().Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        errors.Add(key, "form.notNumber", text ?? "");
        return 0;
    }

    private static double Dbl(string? text, string key, CampaignErrors errors)
    {
        if (double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
        {
            return v;
        }
        errors.Add(key, "form.notNumber", text ?? "");
        return 0;
    }

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
