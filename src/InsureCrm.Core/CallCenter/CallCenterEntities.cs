using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.CallCenter;

/// <summary>The outbound queues of the call center (docs/callcenter.md).</summary>
public enum QueueKind
{
    /// <summary>해피콜: a new contract, within 7 days of issue, with the complete-sales checklist.</summary>
    HappyCall,
    /// <summary>관심고객: a high-value customer (grade A/B) not contacted for N months.</summary>
    Interest,
    /// <summary>A prospect: no active contract, an enquiry in the last 3 months.</summary>
    Prospect,
    /// <summary>A customer likely to lapse (champion lapse score above the threshold) without an agent action in 30 days.</summary>
    LapseRisk,
    /// <summary>A contact of an approved campaign's call list.</summary>
    Campaign,
}

/// <summary>Where a queue item stands.</summary>
public enum QueueItemState
{
    /// <summary>Waiting to be called (at <see cref="CallQueueItem.NextAttemptAt"/>).</summary>
    Open,
    /// <summary>Tried, and coming back: a retry after no answer or busy, or a call-back the customer asked for.</summary>
    InProgress,
    /// <summary>Finished: reached, refused, wrong number or do-not-call.</summary>
    Done,
    /// <summary>Not reached in the maximum number of attempts.</summary>
    GivenUp,
    /// <summary>
    /// Not worked for <see cref="CallCenterOptions.ExpireDays"/> past its due day (interest, prospect and lapse-risk queues
    /// only): closed by the night's build, so the queue holds calls still worth making.
    /// </summary>
    Expired,
}

/// <summary>What came of one call attempt.</summary>
public enum CallOutcomeCode
{
    /// <summary>Reached and completed.</summary>
    Completed,
    NoAnswer,
    Busy,
    WrongNumber,
    /// <summary>Reached; the customer did not want the call.</summary>
    Refused,
    /// <summary>Reached; call back later at a time the customer named.</summary>
    CallBack,
    /// <summary>Reached; the customer asked never to be called again (their phone consent is withdrawn).</summary>
    DoNotCall,
}

/// <summary>The items of the happy call's complete-sales checklist (완전판매 모니터링).</summary>
public enum ChecklistItem
{
    /// <summary>The key terms (주요 내용) were explained.</summary>
    KeyTermsExplained,
    /// <summary>The policy and the terms and conditions (약관·청약서 부본) were received.</summary>
    CopiesReceived,
    /// <summary>The customer signed personally (자필서명).</summary>
    SignedPersonally,
    /// <summary>The customer understood the cancellation right (청약철회).</summary>
    CancellationRightUnderstood,
}

/// <summary>One customer to call in one queue: why, by when, by whom, and how the calls went.</summary>
public sealed class CallQueueItem : IVersioned
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public QueueKind Kind { get; set; }
    /// <summary>The contract the call is about (happy call, lapse risk).</summary>
    public long? ContractId { get; set; }
    public long? CampaignId { get; set; }
    /// <summary>The campaign call-list contact (the current attempt's), whose outcome the queue records through Campaigns.</summary>
    public long? CampaignContactId { get; set; }
    /// <summary>The day the build put it in the queue.</summary>
    public DateOnly EnteredOn { get; set; }
    /// <summary>The day it should be done by.</summary>
    public DateOnly DueOn { get; set; }
    public long? AssignedUserId { get; set; }
    public DateOnly? AssignedOn { get; set; }
    public QueueItemState State { get; set; }
    public int Attempts { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    /// <summary>When it may be called (UTC): the best hour of its first day, a retry after the spacing, or the call-back time.</summary>
    public DateTime NextAttemptAt { get; set; }
    public CallOutcomeCode? LastOutcome { get; set; }
    /// <summary>What the build knew when it queued the item, as JSON (product, issue day, grade, months, score...; no personal data).</summary>
    public string Facts { get; set; } = "{}";
    /// <summary>The checklist answers of a happy call, as JSON (item → yes/no); null until answered.</summary>
    public string? Checklist { get; set; }
    public string? LastNote { get; set; }
    public DateTime? ClosedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One call attempt on a queue item (the queue's own record; the customer's history gets an interaction too).</summary>
public sealed class CallAttempt : IAppendOnly
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public QueueKind Kind { get; set; }
    public long UserId { get; set; }
    public DateTime At { get; set; }
    public CallOutcomeCode Outcome { get; set; }
    public DateTime? CallBackAt { get; set; }
}

/// <summary>The queue kinds a call-center user takes (no row: every kind).</summary>
public sealed class CallSkill
{
    public long UserId { get; set; }
    /// <summary>Comma-separated <see cref="QueueKind"/> names.</summary>
    public string Kinds { get; set; } = "";
}

/// <summary>A happy call with a failed checklist item: the branch of the selling agent must act, and the agent is flagged.</summary>
public sealed class CallEscalation : IVersioned
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public long CustomerId { get; set; }
    public long ContractId { get; set; }
    /// <summary>The selling agent's branch (the one that sees it).</summary>
    public long BranchId { get; set; }
    /// <summary>The selling agent (the flag).</summary>
    public long AgentId { get; set; }
    /// <summary>The failed <see cref="ChecklistItem"/>s, comma-separated.</summary>
    public string Failed { get; set; } = "";
    public string? Note { get; set; }
    public DateTime OpenedAt { get; set; }
    public string OpenedBy { get; set; } = "";
    public DateTime? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }
    public string? Resolution { get; set; }
    public int Version { get; set; }
}

internal sealed class CallQueueItemConfiguration : IEntityTypeConfiguration<CallQueueItem>
{
    public void Configure(EntityTypeBuilder<CallQueueItem> b)
    {
        b.ToTable("call_queue_item");
        b.Property(p => p.Facts).HasMaxLength(2000);
        b.Property(p => p.Checklist).HasMaxLength(500);
        b.Property(p => p.LastNote).HasMaxLength(2000);
        // A consultant's queue; the build's open items per customer; a contract's happy call.
        b.HasIndex(p => new { p.AssignedUserId, p.State });
        b.HasIndex(p => new { p.State, p.Kind });
        b.HasIndex(p => new { p.CustomerId, p.Kind });
        b.HasIndex(p => p.ContractId);
    }
}

internal sealed class CallAttemptConfiguration : IEntityTypeConfiguration<CallAttempt>
{
    public void Configure(EntityTypeBuilder<CallAttempt> b)
    {
        b.ToTable("call_attempt");
        b.HasIndex(p => p.At);
        b.HasIndex(p => p.ItemId);
    }
}

internal sealed class CallSkillConfiguration : IEntityTypeConfiguration<CallSkill>
{
    public void Configure(EntityTypeBuilder<CallSkill> b)
    {
        b.ToTable("call_skill");
        b.HasKey(p => p.UserId);
        b.Property(p => p.UserId).ValueGeneratedNever();
    }
}

internal sealed class CallEscalationConfiguration : IEntityTypeConfiguration<CallEscalation>
{
    public void Configure(EntityTypeBuilder<CallEscalation> b)
    {
        b.ToTable("call_escalation");
        b.Property(p => p.Failed).HasMaxLength(200);
        b.Property(p => p.Note).HasMaxLength(2000);
        b.Property(p => p.OpenedBy).HasMaxLength(100);
        b.Property(p => p.ResolvedBy).HasMaxLength(100);
        b.Property(p => p.Resolution).HasMaxLength(2000);
        b.HasIndex(p => new { p.BranchId, p.ResolvedAt });
        b.HasIndex(p => p.AgentId);
    }
}

/// <summary>The call-center tables of <see cref="CrmDbContext"/>.</summary>
public static class CallCenterSets
{
    extension(CrmDbContext db)
    {
        public DbSet<CallQueueItem> CallQueueItems => db.Set<CallQueueItem>();
        public DbSet<CallAttempt> CallAttempts => db.Set<CallAttempt>();
        public DbSet<CallSkill> CallSkills => db.Set<CallSkill>();
        public DbSet<CallEscalation> CallEscalations => db.Set<CallEscalation>();
    }
}
