using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Worklists;

/// <summary>What an item asks the agent to do; the kind decides its source, its weight and the words of its explanation.</summary>
public enum WorkAction
{
    /// <summary>A contract likely to lapse or be surrendered: keep it (lapse-contract score × premium at risk).</summary>
    Retention,
    /// <summary>A product family the customer does not hold, by its purchase model.</summary>
    CrossSell,
    /// <summary>More cover in a family the customer already holds, by its purchase model.</summary>
    UpSell,
    /// <summary>A policy loan or credit loan, by the loan model.</summary>
    LoanCrossSell,
    /// <summary>A contract maturing within the horizon: the payout and what comes after it.</summary>
    Maturing,
    /// <summary>No coverage check (보장점검) recorded within the configured months.</summary>
    CoverageCheck,
    /// <summary>A claim paid recently: ask how it went.</summary>
    ClaimFollowUp,
    /// <summary>A birthday within the next days.</summary>
    Birthday,
    /// <summary>Address, mobile or e-mail missing.</summary>
    ContactDetails,
    /// <summary>An open contact of a running campaign handed to this agent.</summary>
    Campaign,
    /// <summary>Premiums past due on a premium-paying contract (by its paid-to date): collect them before the grace period ends.</summary>
    UnpaidPremium,
    /// <summary>
    /// A sales need heard by the call center (the customer asked about a product family on an inbound call), passed to the
    /// servicing agent (<see cref="Referrals"/>): inserted at once, kept by every build while open (not older than the maximum age).
    /// </summary>
    Referral,
    /// <summary>
    /// A customer handed to a CS consultant because their agent left (docs/orphans.md): the first contact, due by the case's
    /// first-contact deadline. Inserted by the orphan assignment (<see cref="Handovers"/>), moved by a reassignment, done by the
    /// first contact, closed when the case is superseded or the agent returns; every build keeps it while open (no age limit).
    /// </summary>
    Handover,
}

/// <summary>Whether an action is selling (needs the customer's consent for the channel and respects the cool-off) or servicing.</summary>
public enum WorkPurpose { Marketing, Service }

public enum WorkItemState
{
    /// <summary>On today's list (rolled over from earlier days with its age).</summary>
    Open,
    /// <summary>A result closed it.</summary>
    Done,
    /// <summary>A result set a next step on a later day; it comes back then.</summary>
    Snoozed,
    /// <summary>The build no longer found its reason (the contract lapsed, consent was withdrawn…) or it grew too old.</summary>
    Expired,
}

/// <summary>What happened on a visit or call.</summary>
public enum WorkOutcome
{
    /// <summary>Met in person (a visit).</summary>
    Met,
    /// <summary>Spoke on the phone.</summary>
    Reached,
    /// <summary>Nobody there, no answer.</summary>
    NotReached,
    /// <summary>Did not want to talk about it.</summary>
    Refused,
    /// <summary>Interested; a next step follows.</summary>
    Interested,
    /// <summary>An appointment was made.</summary>
    Appointment,
    /// <summary>Signed.</summary>
    Sold,
    /// <summary>The service task is done (details corrected, maturity explained, check completed).</summary>
    ServiceDone,
    /// <summary>The item does not apply (moved, already handled elsewhere).</summary>
    NotApplicable,
}

/// <summary>How the agent reached (or tried to reach) the customer.</summary>
public enum WorkChannel { Visit, Phone }

/// <summary>
/// One item of an agent's (or CS consultant's) list: a customer and an action, with the numbers that ranked it and the
/// facts its explanation is built from (keys and values, not sentences: the page words them in the reader's language).
/// An item is found again by (agent, customer, action, subject) on each night's build, which keeps its first day (its age).
/// </summary>
public sealed class WorkItem
{
    public long Id { get; set; }
    public long AgentId { get; set; }
    public long CustomerId { get; set; }
    public WorkAction Action { get; set; }
    /// <summary>What within the customer it is about: <c>K{contract id}</c>, <c>F{family}</c>, <c>C{campaign contact id}</c>, or empty.</summary>
    public string Subject { get; set; } = "";
    public WorkPurpose Purpose { get; set; }
    /// <summary>probability × value × business weight (see <see cref="WorklistOptions"/>).</summary>
    public double Priority { get; set; }
    public double Probability { get; set; }
    public decimal Value { get; set; }
    public ProductFamily? Family { get; set; }
    public long? ContractId { get; set; }
    public long? CampaignContactId { get; set; }
    /// <summary>The facts behind it as JSON (<see cref="WorkFacts"/>).</summary>
    public string Facts { get; set; } = "{}";
    public WorkChannel Channel { get; set; }
    /// <summary>The first build that listed it; today minus this is its age.</summary>
    public DateOnly FirstListedOn { get; set; }
    /// <summary>The newest build that kept it.</summary>
    public DateOnly ListedOn { get; set; }
    /// <summary>When it should be done by (a maturity, a birthday); null when any day will do.</summary>
    public DateOnly? DueOn { get; set; }
    public WorkItemState State { get; set; }
    public DateOnly? SnoozedUntil { get; set; }
    public WorkOutcome? Outcome { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public int Version { get; set; }
}

/// <summary>A result recorded on an item: what the agent did and what came of it (also an interaction of the customer's history).</summary>
public sealed class WorkResult : IAppendOnly
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public long AgentId { get; set; }
    public long CustomerId { get; set; }
    public WorkAction Action { get; set; }
    public WorkChannel Channel { get; set; }
    public WorkOutcome Outcome { get; set; }
    public DateTime RecordedAt { get; set; }
    /// <summary>The day it counts for (Asia/Seoul).</summary>
    public DateOnly Day { get; set; }
    public string RecordedBy { get; set; } = "";
    public string? Notes { get; set; }
    public DateOnly? NextOn { get; set; }
    public long InteractionId { get; set; }
}

/// <summary>A planned visit or call with a customer, for the agent's calendar feed.</summary>
public sealed class Appointment
{
    public long Id { get; set; }
    /// <summary>The iCalendar UID: stable, so a phone updates the event instead of adding another.</summary>
    public string Uid { get; set; } = "";
    public long AgentId { get; set; }
    public long CustomerId { get; set; }
    public long? ItemId { get; set; }
    public DateTime StartsAt { get; set; }
    public int Minutes { get; set; }
    public WorkChannel Channel { get; set; }
    /// <summary>Where (a visit's address line as the agent typed it), or null.</summary>
    public string? Place { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CancelledAt { get; set; }
    public int Sequence { get; set; }
}

/// <summary>An agent's calendar feed: the SHA-256 of its secret URL token; a revoked feed answers 404.</summary>
public sealed class CalendarFeed
{
    public long Id { get; set; }
    public long AgentId { get; set; }
    public string TokenHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>One build of every list: when, as of which day, and what it made.</summary>
public sealed class WorklistRun
{
    public long Id { get; set; }
    public DateOnly AsOf { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime FinishedAt { get; set; }
    public int Agents { get; set; }
    public int Candidates { get; set; }
    public int Open { get; set; }
    public int New { get; set; }
    public int Expired { get; set; }
    /// <summary>Open items by action and candidates refused by rule, as JSON.</summary>
    public string Counts { get; set; } = "{}";
}

internal sealed class WorkItemConfiguration : IEntityTypeConfiguration<WorkItem>
{
    public void Configure(EntityTypeBuilder<WorkItem> b)
    {
        b.Property(p => p.Subject).HasMaxLength(40);
        b.Property(p => p.Facts).HasMaxLength(4000);
        b.Property(p => p.ClosedBy).HasMaxLength(100);
        b.Property(p => p.Value).HasPrecision(18, 0);
        b.Property(p => p.Version).IsConcurrencyToken();
        // An agent's list (open, by priority) and the build's match of candidates to the items it keeps.
        b.HasIndex(p => new { p.AgentId, p.State, p.Priority });
        b.HasIndex(p => new { p.AgentId, p.CustomerId, p.Action, p.Subject });
    }
}

internal sealed class WorkResultConfiguration : IEntityTypeConfiguration<WorkResult>
{
    public void Configure(EntityTypeBuilder<WorkResult> b)
    {
        b.Property(p => p.RecordedBy).HasMaxLength(100);
        b.Property(p => p.Notes).HasMaxLength(2000);
        // Completion by agent and day for the branch view.
        b.HasIndex(p => new { p.AgentId, p.Day });
        b.HasIndex(p => p.ItemId);
    }
}

internal sealed class AppointmentConfiguration : IEntityTypeConfiguration<Appointment>
{
    public void Configure(EntityTypeBuilder<Appointment> b)
    {
        b.Property(p => p.Uid).HasMaxLength(80);
        b.Property(p => p.Notes).HasMaxLength(2000);
        b.HasIndex(p => p.Uid).IsUnique();
        b.HasIndex(p => new { p.AgentId, p.StartsAt });
    }
}

internal sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> b)
    {
        b.Property(p => p.TokenHash).HasMaxLength(64);
        b.HasIndex(p => p.TokenHash).IsUnique();
        b.HasIndex(p => p.AgentId);
    }
}

internal sealed class WorklistRunConfiguration : IEntityTypeConfiguration<WorklistRun>
{
    public void Configure(EntityTypeBuilder<WorklistRun> b)
    {
        b.Property(p => p.Counts).HasMaxLength(4000);
        b.HasIndex(p => p.AsOf);
    }
}
