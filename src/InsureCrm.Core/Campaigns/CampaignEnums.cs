namespace InsureCrm.Core.Campaigns;

/// <summary>What a campaign tries to cause; attribution counts these events within the window after the start.</summary>
public enum CampaignObjective
{
    /// <summary>A contract of one of the objective families issued in the window and not cancelled.</summary>
    NewContract,
    /// <summary>A loan started in the window.</summary>
    Loan,
    /// <summary>A lapsed contract reinstated in the window.</summary>
    Reinstatement,
    /// <summary>A visit interaction that was completed or showed interest (an event both arms can have).</summary>
    VisitAccepted,
}

/// <summary>
/// A campaign's life: Draft → Approved (by someone other than the author; an edit sends it back to Draft) →
/// Running → Measuring (after <c>ends_on</c>, while responses may still come in) → Closed (with lessons);
/// Cancelled from Draft, Approved or Running.
/// </summary>
public enum CampaignState { Draft, Approved, Running, Measuring, Closed, Cancelled }

/// <summary>What happens to a customer who is already a member of another live campaign whose window overlaps.</summary>
public enum OverlapRule
{
    /// <summary>The customer is left out of this campaign.</summary>
    Exclude,
    /// <summary>The campaign with the higher priority keeps the customer (ties: the earlier approval), unless already contacted.</summary>
    Prioritise,
}

/// <summary>How a campaign reaches its customers; the waterfall of a campaign ranks these.</summary>
public enum CampaignChannelKind
{
    /// <summary>The customer's servicing agent, through the agent's campaign list.</summary>
    Agent,
    /// <summary>Telemarketing and the call center, through the call list.</summary>
    CallList,
    Email,
    Sms,
    /// <summary>Direct mail, exported for the print vendor.</summary>
    Dm,
}

/// <summary>When an offer costs money: for every contact made, or only for every response.</summary>
public enum CostBasis { PerContact, PerResponse }

/// <summary>The kinds of entry in a campaign's history (<c>campaign_event</c>).</summary>
public enum CampaignEventKind
{
    Created, Edited, RuleChanged, Simulated, Approved, Split, Started, ScriptRevised, OfferChanged, Sent, DmExported,
    Attributed, Measuring, Closed, RolledOut, Cancelled, Unsubscribed, UpliftLearned,
}

/// <summary>The arm of a campaign member: contacted, held back for comparison, or left out of the comparison.</summary>
public enum CampaignArm { Test, Control, Excluded }

/// <summary>Why a member is <see cref="CampaignArm.Excluded"/>.</summary>
public enum MemberExclusion
{
    /// <summary>In this year's company-wide holdout: never contacted by marketing, counted to measure marketing's total effect.</summary>
    UniversalHoldout,
    /// <summary>A member of another live campaign whose window overlaps (<see cref="OverlapRule"/>).</summary>
    Overlap,
    /// <summary>At or over the frequency cap of marketing contacts at split time.</summary>
    FrequencyCap,
    /// <summary>Reachable on none of the campaign's channels.</summary>
    NoChannel,
    /// <summary>An uplift-targeted roll-out: the pilot's uplift model predicts contact would lower this customer's response (a "sleeping dog").</summary>
    NegativeUplift,
    /// <summary>An uplift-targeted roll-out: below its top N by predicted uplift.</summary>
    BelowUpliftCut,
}

/// <summary>Where one planned contact of the outbox (<c>campaign_contact</c>) stands.</summary>
public enum CampaignContactState
{
    /// <summary>Released, waiting to be claimed.</summary>
    Pending,
    /// <summary>Refused only for the hour (quiet hours, night-time consent): planned again for the next allowed instant.</summary>
    Deferred,
    /// <summary>Refused by the contact policy or a campaign rule; the reasons say why. Never sent.</summary>
    Blocked,
    /// <summary>Claimed by a sender under a lease; a lease that expires leaves the row <see cref="InDoubt"/>.</summary>
    Sending,
    Sent,
    /// <summary>A sender stopped while it held the row: it may or may not have left; re-sent only on purpose.</summary>
    InDoubt,
    /// <summary>The transport refused it; the error code says why.</summary>
    Failed,
    /// <summary>Written to a DM file for the print vendor.</summary>
    Exported,
    /// <summary>Handed to an agent's list or the call list.</summary>
    Released,
    /// <summary>An agent or call-list contact with its final outcome recorded.</summary>
    Done,
}

/// <summary>Why the campaign itself (not the contact policy) blocks a contact; stored beside <c>ContactReason</c> names.</summary>
public enum CampaignBlockReason
{
    /// <summary>The customer reached the frequency cap since the split.</summary>
    FrequencyCap,
    /// <summary>No address (e-mail, mobile phone, postal address) for the channel.</summary>
    NoAddress,
    /// <summary>The personalised SMS is over 2,000 bytes.</summary>
    MessageTooLong,
    /// <summary>The campaign was cancelled before the contact was made.</summary>
    Cancelled,
    /// <summary>Another campaign with a higher priority took the customer.</summary>
    Superseded,
}

/// <summary>The outcome codes of an agent or call-list contact.</summary>
public enum CallOutcome { Reached, NotReached, Refused, Interested, Appointment, Sold }

/// <summary>The breakdowns of a campaign's results.</summary>
public enum ResultBreakdown { Total, Stratum, Segment, Channel, Offer, Agent, Day, Week }

/// <summary>The languages a campaign script is written in; the customer's language follows the script of their name.</summary>
public static class ScriptLanguage
{
    public const string Korean = "ko";
    public const string English = "en";
    public const string TraditionalChinese = "zh-TW";

    /// <summary>Every language, the default first.</summary>
    public static readonly IReadOnlyList<string> All = [Korean, English, TraditionalChinese];
}
