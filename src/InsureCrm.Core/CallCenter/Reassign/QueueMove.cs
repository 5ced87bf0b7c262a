using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.CallCenter.Reassign;

/// <summary>
/// One queue item taken from one consultant and handed to another, or back to the pool (<see cref="ToUserId"/> null: the
/// next distribution hands it out): by whom, when and why. Append-only: the item's history of hands.
/// </summary>
public sealed class CallQueueMove : IAppendOnly
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public QueueKind Kind { get; set; }
    public long FromUserId { get; set; }
    public long? ToUserId { get; set; }
    public DateTime MovedAt { get; set; }
    /// <summary>The supervisor's user name, or <see cref="QueueReassignment.NightlyMover"/> for the night's release.</summary>
    public string MovedBy { get; set; } = "";
    public string Reason { get; set; } = "";
}

internal sealed class CallQueueMoveConfiguration : IEntityTypeConfiguration<CallQueueMove>
{
    public void Configure(EntityTypeBuilder<CallQueueMove> b)
    {
        b.ToTable("call_queue_move");
        b.Property(p => p.MovedBy).HasMaxLength(100);
        b.Property(p => p.Reason).HasMaxLength(500);
        b.HasIndex(p => p.ItemId);
        b.HasIndex(p => p.MovedAt);
    }
}

/// <summary>The reassignment table of <see cref="CrmDbContext"/>.</summary>
public static class QueueMoveSets
{
    extension(CrmDbContext db)
    {
        public DbSet<CallQueueMove> CallQueueMoves => db.Set<CallQueueMove>();
    }
}
