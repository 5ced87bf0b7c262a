using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Campaigns;

/// <summary>An offer of the catalogue (a gift, a first-month premium waiver …) with what it costs per contact or per response.</summary>
public sealed class Offer : IVersioned
{
    public long Id { get; set; }
    /// <summary>Unique, e.g. <c>GIFT-UMBRELLA</c>.</summary>
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The product family the offer goes with; null for any.</summary>
    public ProductFamily? ProductFamily { get; set; }
    /// <summary>Whole units of <see cref="Currency"/>; 0 is a free offer, never unknown.</summary>
    public decimal Cost { get; set; }
    public CostBasis CostBasis { get; set; }
    public string Currency { get; set; } = "KRW";
    public bool Active { get; set; } = true;
    public int Version { get; set; }
}

/// <summary>A saved target rule; its definitions are the versions, each a new row.</summary>
public sealed class TargetRule
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public long OwnerUserId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One version of a target rule's definition (JSON, see docs/plans/issue12-campaigns.md section 4); an edit is a new version.</summary>
public sealed class TargetRuleVersion : IAppendOnly
{
    public const int MaxDefinitionLength = 20_000;

    public long Id { get; set; }
    public long RuleId { get; set; }
    /// <summary>1, 2, 3 … per rule.</summary>
    public int Version { get; set; }
    public string Definition { get; set; } = "{}";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A campaign: the plan (objective, period, budget, target rule, control share and the power assumptions behind it,
/// overlap rule, frequency cap), who owns, wrote and approved it, where it stands and what was learned.
/// </summary>
public sealed class Campaign : IVersioned
{
    public const int MaxLessonsLength = 8_000;
    public const int MaxHypothesisLength = 2_000;

    public long Id { get; set; }
    /// <summary>Unique, e.g. <c>C-2026-012</c>.</summary>
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Theme { get; set; } = "";
    public string Hypothesis { get; set; } = "";
    public CampaignObjective Objective { get; set; }
    /// <summary>Comma-separated <see cref="Policies.ProductFamily"/> names that count as a response; empty for any.</summary>
    public string ObjectiveFamilies { get; set; } = "";
    /// <summary>Responses count from <see cref="StartsOn"/> until <see cref="EndsOn"/> plus this many days.</summary>
    public int WindowDays { get; set; }
    public long OwnerUserId { get; set; }
    /// <summary>Who wrote the plan; never its approver (four eyes).</summary>
    public long AuthorUserId { get; set; }
    public long? ApprovedByUserId { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public CampaignState State { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    /// <summary>Whole units of <see cref="Currency"/>.</summary>
    public decimal Budget { get; set; }
    public string Currency { get; set; } = "KRW";
    public long? RuleVersionId { get; set; }
    /// <summary>Share of the list held back as control, strictly between 0 and 1.</summary>
    public decimal ControlShare { get; set; }
    /// <summary>Seed of the split (<see cref="Planning.SplitHash"/>): the same seed gives the same members and arms.</summary>
    public long SplitSeed { get; set; }
    /// <summary>Two-sided significance level of the planned test.</summary>
    public double Alpha { get; set; } = 0.05;
    /// <summary>Planned power (1 − β).</summary>
    public double Power { get; set; } = 0.8;
    /// <summary>The assumed control response rate; null to take the list's mean champion score.</summary>
    public double? BaselineRate { get; set; }
    /// <summary>The lift (difference of response rates) the campaign is planned to detect.</summary>
    public double ExpectedLift { get; set; }
    public OverlapRule OverlapRule { get; set; }
    /// <summary>Higher wins under <see cref="OverlapRule.Prioritise"/>.</summary>
    public int Priority { get; set; }
    /// <summary>Marketing contacts per 30 days at or over which a customer is left out.</summary>
    public int FrequencyCap { get; set; }
    /// <summary>The pilot this campaign rolls out.</summary>
    public long? ParentCampaignId { get; set; }
    public bool IsPilot { get; set; } = true;
    public string? Lessons { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A channel of a campaign: its place in the waterfall, its offer and what one contact costs.</summary>
public sealed class CampaignChannel
{
    public long CampaignId { get; set; }
    public CampaignChannelKind Channel { get; set; }
    /// <summary>1 first: a member is planned on the first channel they are reachable on.</summary>
    public int Rank { get; set; }
    public long? OfferId { get; set; }
    /// <summary>Cost of one contact in the campaign's currency (fractions allowed: a text message costs a few won).</summary>
    public decimal UnitCost { get; set; }
    /// <summary>Contacts released per day at most; null for no limit.</summary>
    public int? DailyLimit { get; set; }
}

/// <summary>One version of a campaign's script for a channel and language; revisions are new rows, so the history stays.</summary>
public sealed class CampaignScript : IAppendOnly
{
    public const int MaxBodyLength = 20_000;

    public long Id { get; set; }
    public long CampaignId { get; set; }
    public CampaignChannelKind Channel { get; set; }
    /// <summary>One of <see cref="ScriptLanguage.All"/>.</summary>
    public string Language { get; set; } = ScriptLanguage.Korean;
    public int Version { get; set; }
    /// <summary>E-mail subject or LMS title.</summary>
    public string? Subject { get; set; }
    /// <summary>The template, with placeholders such as <c>{{name}}</c>.</summary>
    public string Body { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>Why it was revised (mid-campaign revisions are listed on the dashboard).</summary>
    public string? Reason { get; set; }
}

/// <summary>An entry of a campaign's history: who did what when, with details as JSON (ids and figures, no personal data).</summary>
public sealed class CampaignEvent : IAppendOnly
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    public DateTime At { get; set; }
    public string UserName { get; set; } = "";
    public CampaignEventKind Kind { get; set; }
    public string Detail { get; set; } = "{}";
}

/// <summary>The universal holdout of one year: its share and salt, frozen when the year is first used.</summary>
public sealed class HoldoutYear
{
    public int Year { get; set; }
    public decimal Share { get; set; }
    public long Salt { get; set; }
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

/// <summary>The one split of a campaign: its inputs (as-of date, value run, seed, control share) and counts per arm and exclusion.</summary>
public sealed class CampaignSplit
{
    public long CampaignId { get; set; }
    public DateOnly AsOf { get; set; }
    /// <summary>The value run whose cells and grades made the strata; null when there was none.</summary>
    public long? ValueRunId { get; set; }
    public long Seed { get; set; }
    public decimal ControlShare { get; set; }
    public int Candidates { get; set; }
    public int Test { get; set; }
    public int Control { get; set; }
    public int ExcludedHoldout { get; set; }
    public int ExcludedOverlap { get; set; }
    public int ExcludedCap { get; set; }
    public int ExcludedNoChannel { get; set; }
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

/// <summary>A customer on a campaign's list: arm, stratum, the hash that placed them, and the channel, offer and agent planned for either arm.</summary>
public sealed class CampaignMember
{
    public long CampaignId { get; set; }
    public long CustomerId { get; set; }
    public CampaignArm Arm { get; set; }
    public MemberExclusion? Exclusion { get; set; }
    /// <summary><c>grid_cell/grade</c> of the value run, e.g. <c>CrossSell/B</c>; <c>Unscored</c> without one.</summary>
    public string Stratum { get; set; } = "";
    /// <summary><see cref="Planning.SplitHash.Key"/>: members of a stratum in this order, the first ones Control.</summary>
    public long SplitHash { get; set; }
    public CampaignChannelKind? PlannedChannel { get; set; }
    public long? OfferId { get; set; }
    public long? AgentId { get; set; }
    public long? BranchId { get; set; }
}

/// <summary>
/// One contact of the outbox: released once per member, channel and attempt (<see cref="IdemKey"/> is unique), claimed
/// under a lease, checked against the contact policy and sent at most once.
/// </summary>
public sealed class CampaignContact
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    public long CustomerId { get; set; }
    public CampaignChannelKind Channel { get; set; }
    /// <summary>1 first; a call not reached is tried again as a new attempt.</summary>
    public int Attempt { get; set; }
    /// <summary><c>{campaign}:{customer}:{channel}:{attempt}</c>.</summary>
    public string IdemKey { get; set; } = "";
    public CampaignContactState State { get; set; }
    /// <summary>Comma-separated <c>Contact.ContactReason</c> and <see cref="CampaignBlockReason"/> names; empty when none.</summary>
    public string Reasons { get; set; } = "";
    public long? ScriptId { get; set; }
    public long? OfferId { get; set; }
    public long? AgentId { get; set; }
    public DateTime PlannedAt { get; set; }
    public DateTime? LeaseUntil { get; set; }
    /// <summary>The call-center user the call list's next call handed it to (the one who records its outcome); null when the queue holds it.</summary>
    public long? LeasedBy { get; set; }
    public DateTime? SentAt { get; set; }
    /// <summary>Message-ID of the e-mail or the SMS gateway's reference.</summary>
    public string? MessageRef { get; set; }
    public CallOutcome? Outcome { get; set; }
    /// <summary>When the call's outcome was recorded, or when a message failed for good (<see cref="CampaignContactState.Failed"/>).</summary>
    public DateTime? OutcomeAt { get; set; }
    public string? OutcomeBy { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? ExportId { get; set; }
    /// <summary>A code only (e.g. <c>smtp-550</c>), never the message or an address.</summary>
    public string? Error { get; set; }

    /// <summary>The idempotency key of a contact.</summary>
    public static string KeyOf(long campaignId, long customerId, CampaignChannelKind channel, int attempt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{campaignId}:{customerId}:{channel}:{attempt}");
}

/// <summary>A response attributed to a member (both arms): the event, when, and what it was worth.</summary>
public sealed class CampaignResponse
{
    public long CampaignId { get; set; }
    public CampaignObjective Kind { get; set; }
    /// <summary>The contract, loan, status change or interaction id, by <see cref="Kind"/>.</summary>
    public long EventId { get; set; }
    /// <summary>The member (a merged customer's survivor).</summary>
    public long CustomerId { get; set; }
    public CampaignArm Arm { get; set; }
    public string Stratum { get; set; } = "";
    public DateOnly EventDate { get; set; }
    public decimal Revenue { get; set; }
    public CampaignChannelKind? Channel { get; set; }
    public long? AgentId { get; set; }
    public long? OfferId { get; set; }
}

/// <summary>One attribution run of a campaign: what came in as of a date (the home page lists results that came in since a visit).</summary>
public sealed class CampaignAttribution
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    public DateOnly AsOf { get; set; }
    public DateTime RanAt { get; set; }
    public int Responses { get; set; }
    public int RespondersTest { get; set; }
    public int RespondersControl { get; set; }
}
