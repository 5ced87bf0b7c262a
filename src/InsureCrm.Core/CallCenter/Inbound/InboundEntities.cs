using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.CallCenter.Inbound;

/// <summary>How an inbound call ended.</summary>
public enum InboundOutcome
{
    /// <summary>Answered on the call.</summary>
    Resolved,
    /// <summary>Passed on to another department or person.</summary>
    Transferred,
    /// <summary>The customer is to be called back (schedule the callback on the same screen).</summary>
    CallbackNeeded,
    /// <summary>A complaint to be opened as a VOC case once VOC exists (issue 16): sets <see cref="InboundContact.VocRequested"/>.</summary>
    ComplaintToVoc,
}

/// <summary>
/// One inbound call logged from the console: the reason (a leaf of <see cref="InboundReasonTree"/>), the outcome and the
/// interaction it wrote in the customer's history (channel CallCenter, direction Inbound; the free text is the
/// interaction's notes, kept once). <see cref="VocRequested"/> marks a complaint for the VOC feature (issue 16) to pick up.
/// </summary>
public sealed class InboundContact : IAppendOnly
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public long InteractionId { get; set; }
    /// <summary>The reason's code (<c>group.leaf</c>, e.g. <c>claim.documents</c>) in the tree of <see cref="ReasonTreeVersion"/>.</summary>
    public string ReasonCode { get; set; } = "";
    public int ReasonTreeVersion { get; set; }
    public InboundOutcome Outcome { get; set; }
    /// <summary>A complaint reason or the outcome <see cref="InboundOutcome.ComplaintToVoc"/>: the VOC feature opens a case from it.</summary>
    public bool VocRequested { get; set; }
    public string LoggedBy { get; set; } = "";
    public DateTime LoggedAt { get; set; }
}

public enum CallbackStatus
{
    /// <summary>To be made at <see cref="Callback.DueAt"/>.</summary>
    Due,
    /// <summary>Made (marked done by a consultant).</summary>
    Done,
    /// <summary>Still not made the business day after it was due (set by <see cref="Callbacks"/> when lists are read).</summary>
    Missed,
}

/// <summary>Why a callback was moved from the time typed: the contact policy's quiet hours or a day the call center is closed.</summary>
public enum CallbackMove { QuietHours, NonBusinessDay }

/// <summary>
/// A promised call back to a customer: when (moved to the next allowed time when the time asked for falls in quiet hours
/// or on a non-business day; <see cref="RequestedAt"/> keeps what was asked), for whom (a consultant, or the whole team when
/// <see cref="AssignedTo"/> is null) and why.
/// </summary>
public sealed class Callback : IVersioned
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public long? InboundContactId { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime RequestedAt { get; set; }
    public CallbackMove? MovedBecause { get; set; }
    public string? Note { get; set; }
    /// <summary>The consultant's user name; null: any consultant of the team.</summary>
    public string? AssignedTo { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public CallbackStatus Status { get; set; }
    public DateTime? DoneAt { get; set; }
    public string? DoneBy { get; set; }
    public int Version { get; set; }
}

internal sealed class InboundContactConfiguration : IEntityTypeConfiguration<InboundContact>
{
    public void Configure(EntityTypeBuilder<InboundContact> b)
    {
        b.Property(p => p.ReasonCode).HasMaxLength(40);
        b.Property(p => p.LoggedBy).HasMaxLength(100);
        b.HasIndex(p => p.CustomerId);
        // What the VOC feature (issue 16) will read: the complaints logged since it last looked.
        b.HasIndex(p => new { p.VocRequested, p.LoggedAt });
    }
}

internal sealed class CallbackConfiguration : IEntityTypeConfiguration<Callback>
{
    public void Configure(EntityTypeBuilder<Callback> b)
    {
        b.Property(p => p.Note).HasMaxLength(500);
        b.Property(p => p.AssignedTo).HasMaxLength(100);
        b.Property(p => p.CreatedBy).HasMaxLength(100);
        b.Property(p => p.DoneBy).HasMaxLength(100);
        // A consultant's due list (theirs and the team's), and a customer's callbacks.
        b.HasIndex(p => new { p.Status, p.DueAt });
        b.HasIndex(p => p.CustomerId);
    }
}

/// <summary>The inbound console's tables of <see cref="CrmDbContext"/>.</summary>
public static class InboundSets
{
    extension(CrmDbContext db)
    {
        public DbSet<InboundContact> InboundContacts => db.Set<InboundContact>();
        public DbSet<Callback> Callbacks => db.Set<Callback>();
    }
}
