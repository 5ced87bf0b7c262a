namespace InsureCrm.Core.Voc;

/// <summary>A clock target for a type (and, when set, a severity): business hours to the first response and to the resolution.</summary>
public sealed class VocSlaTarget
{
    public VocType? Type { get; set; }
    public VocSeverity? Severity { get; set; }
    public double FirstResponseHours { get; set; }
    public double ResolutionHours { get; set; }
}

/// <summary>A routing rule: a category (its code or its top level), optionally a type and a minimum severity, to a managing department.</summary>
public sealed class VocRoutingRule
{
    /// <summary><c>claims</c> matches <c>claims</c> and every <c>claims.*</c> leaf; null matches any category.</summary>
    public string? Category { get; set; }
    public VocType? Type { get; set; }
    /// <summary>The rule applies at this severity or above.</summary>
    public VocSeverity? MinSeverity { get; set; }
    public string Department { get; set; } = "";
}

/// <summary>The VOC rules (configuration section <c>Voc</c>; docs/voc.md explains each).</summary>
public sealed class VocOptions
{
    public const string Section = "Voc";

    /// <summary>The time zone of the business hours.</summary>
    public string TimeZone { get; set; } = "Asia/Seoul";
    public int BusinessHourStart { get; set; } = 9;
    public int BusinessHourEnd { get; set; } = 18;

    /// <summary>The share of the resolution clock after which a warning is raised (0.8: at 80 %).</summary>
    public double WarnShare { get; set; } = 0.8;

    /// <summary>Clock targets; the most specific match (type and severity, then type, then severity, then neither) wins.</summary>
    public List<VocSlaTarget> Targets { get; set; } =
    [
        new() { FirstResponseHours = 9, ResolutionHours = 45 },
        new() { Severity = VocSeverity.Critical, FirstResponseHours = 2, ResolutionHours = 9 },
        new() { Severity = VocSeverity.High, FirstResponseHours = 4, ResolutionHours = 27 },
        new() { Type = VocType.Inquiry, FirstResponseHours = 4, ResolutionHours = 18 },
        new() { Type = VocType.Consultation, FirstResponseHours = 4, ResolutionHours = 18 },
        new() { Type = VocType.Compliment, FirstResponseHours = 18, ResolutionHours = 45 },
        new() { Type = VocType.Suggestion, FirstResponseHours = 18, ResolutionHours = 90 },
        new() { Type = VocType.Complaint, FirstResponseHours = 4, ResolutionHours = 27 },
        new() { Type = VocType.Complaint, Severity = VocSeverity.High, FirstResponseHours = 2, ResolutionHours = 18 },
        new() { Type = VocType.Complaint, Severity = VocSeverity.Critical, FirstResponseHours = 1, ResolutionHours = 9 },
    ];

    /// <summary>Rules in order; the first that matches names the managing department. None: <see cref="DefaultDepartment"/>.</summary>
    public List<VocRoutingRule> Rules { get; set; } =
    [
        new() { Category = "misselling", Department = "COMPLIANCE" },
        new() { Category = "agent", MinSeverity = VocSeverity.High, Department = "COMPLIANCE" },
        new() { Category = "agent", Department = "SALES" },
        new() { Category = "privacy", Department = "PRIVACY" },
        new() { Category = "claims", Department = "CLAIMS" },
        new() { Category = "payment", Department = "POLICY" },
        new() { Category = "product", Department = "POLICY" },
        new() { Category = "internal", Department = "CS" },
        new() { Category = "service", Department = "CS" },
    ];

    /// <summary>The managing department when no rule matches (and of unclassified cases).</summary>
    public string DefaultDepartment { get; set; } = "CS";

    /// <summary>The managing department of regulator referrals (금융감독원 민원), before the rules.</summary>
    public string RegulatorDepartment { get; set; } = "COMPLIANCE";

    /// <summary>The receiving department by channel (not listed: <see cref="DefaultDepartment"/>; branch and agent: the agent's branch).</summary>
    public Dictionary<VocChannel, string> ReceivingByChannel { get; set; } = new()
    {
        [VocChannel.CallCenter] = "CALLCENTER",
        [VocChannel.Regulator] = "COMPLIANCE",
        [VocChannel.Internal] = "CS",
    };

    /// <summary>Types that front-line staff (agent, call center, CS) may resolve on the spot without routing.</summary>
    public List<VocType> FrontLineTypes { get; set; } = [VocType.Inquiry, VocType.Consultation, VocType.Compliment];

    /// <summary>A complaint with a claimed amount up to this (KRW) may also be resolved on the spot; 0 turns that off.</summary>
    public decimal FrontLineComplaintLimit { get; set; } = 300_000m;

    /// <summary>
    /// A suggested type or category is used (for routing and the clocks, marked as suggested) when the caller gave none and the
    /// model's probability is at least this; below it the case stays unclassified and the suggestion is only shown.
    /// </summary>
    public double SuggestionThreshold { get; set; } = 0.6;

    /// <summary>Earlier cases of the same customer within this many days are compared with a new one (repeat detection).</summary>
    public int RepeatDays { get; set; } = 30;

    /// <summary>The repeat matcher's score at or above which a new case is linked to the earlier one (chosen on a tuning split: 0.5).</summary>
    public double RepeatThreshold { get; set; } = 0.5;

    /// <summary>The nightly step retrains the classifier when this many cases were confirmed or corrected since the last model.</summary>
    public int RetrainAfter { get; set; } = 100;

    /// <summary>No model is trained from fewer confirmed cases than this.</summary>
    public int MinTrainingCases { get; set; } = 40;

    public IEnumerable<string> Validate()
    {
        if (BusinessHourStart is < 0 or > 23 || BusinessHourEnd is < 1 or > 24 || BusinessHourEnd <= BusinessHourStart)
        {
            yield return "Voc:BusinessHourStart and Voc:BusinessHourEnd must be hours of the day with the start before the end.";
        }
        if (WarnShare is <= 0 or >= 1)
        {
            yield return "Voc:WarnShare must be above 0 and below 1.";
        }
        if (Targets.Count == 0 || !Targets.Any(t => t.Type is null && t.Severity is null))
        {
            yield return "Voc:Targets needs a default entry (no type and no severity).";
        }
        foreach (var t in Targets.Where(t => t.FirstResponseHours <= 0 || t.ResolutionHours <= 0 || t.FirstResponseHours > t.ResolutionHours))
        {
            yield return $"Voc:Targets: {t.Type?.ToString() ?? "any type"}/{t.Severity?.ToString() ?? "any severity"} needs hours above 0 with the first response no later than the resolution.";
        }
        if (FrontLineComplaintLimit < 0)
        {
            yield return "Voc:FrontLineComplaintLimit must not be negative.";
        }
        if (SuggestionThreshold is < 0 or > 1)
        {
            yield return "Voc:SuggestionThreshold must be between 0 and 1.";
        }
        if (RepeatDays < 1)
        {
            yield return "Voc:RepeatDays must be at least 1.";
        }
        if (RepeatThreshold is <= 0 or > 1)
        {
            yield return "Voc:RepeatThreshold must be above 0 and at most 1.";
        }
        if (RetrainAfter < 1 || MinTrainingCases < 2)
        {
            yield return "Voc:RetrainAfter must be at least 1 and Voc:MinTrainingCases at least 2.";
        }
        TimeZoneInfo? zone = null;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
        }
        if (zone is null)
        {
            yield return $"Voc:TimeZone '{TimeZone}' is not a known time zone.";
        }
    }

    /// <summary>The target of a type and severity (an unclassified case counts as the default type).</summary>
    public VocSlaTarget TargetFor(VocType? type, VocSeverity severity) =>
        Targets.Where(t => (t.Type is null || t.Type == type) && (t.Severity is null || t.Severity == severity))
            .OrderByDescending(t => (t.Type is null ? 0 : 2) + (t.Severity is null ? 0 : 1)).First();
}
