using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Orphans;

/// <summary>Where an orphan case stands.</summary>
public enum OrphanState
{
    /// <summary>Found, but every CS consultant was at the load cap (the stated fallback); the next assignment run retries it.</summary>
    Unassigned,
    /// <summary>A CS consultant services the customer; first contact not yet made.</summary>
    Assigned,
    /// <summary>First contact made (the case is out of the backlog).</summary>
    Contacted,
    /// <summary>The former agent came back before first contact and took the customer back.</summary>
    Returned,
    /// <summary>In the control wave of a staggered roll-out: assignment waits, on purpose, until <see cref="OrphanCase.AssignAfter"/>.</summary>
    Deferred,
    /// <summary>The consultant who held the case left before first contact; the customer has a new case (reason <c>ConsultantLeft</c>).</summary>
    Superseded,
}

/// <summary>The wave of a staggered roll-out a case was drawn into (docs/orphans.md, "The control wave").</summary>
public enum OrphanWave
{
    /// <summary>Assigned by the first assignment run (the service as normal; every case while the control is off).</summary>
    Immediate,
    /// <summary>Assigned only after <c>Orphans:ControlDelayBusinessDays</c>: service delayed on purpose, to measure its effect.</summary>
    Control,
}

/// <summary>Which rule chose the consultant (docs/orphans.md): the tiers in order, or a person's override.</summary>
public enum AssignmentRule { SameBranch, SameRegion, Anywhere, Override }

/// <summary>
/// One customer orphaned by one agent's termination: who had them, which of their contracts moved, the consultant who took
/// them over and why, the first-contact deadline, and the coverage check (보장점검).
/// </summary>
public sealed class OrphanCase : IVersioned
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public long FormerAgentId { get; set; }
    public DateOnly TerminatedOn { get; set; }
    public DateOnly DetectedOn { get; set; }
    public OrphanState State { get; set; }
    public long? ConsultantId { get; set; }
    public DateOnly? AssignedOn { get; set; }
    public AssignmentRule? Rule { get; set; }
    /// <summary>The reasons of the assignment as JSON (<see cref="OrphanReasons"/>): codes and parameters, worded by the reader's language.</summary>
    public string Reasons { get; set; } = "[]";
    /// <summary>The ids of the active contracts whose servicing agent moved, as JSON, so a returning agent gets exactly those back.</summary>
    public string ContractIds { get; set; } = "[]";
    /// <summary>Assignment day + the configured number of business days on the Korean calendar.</summary>
    public DateOnly? FirstContactDue { get; set; }
    public DateTime? FirstContactAt { get; set; }
    public string? FirstContactBy { get; set; }
    /// <summary>What came of the first contact, as the consultant wrote it (the page's form); null from the CLI.</summary>
    public string? FirstContactNote { get; set; }
    public DateTime? CoverageCheckAt { get; set; }
    public string? CoverageCheckBy { get; set; }
    public string? CoverageCheckNotes { get; set; }
    public DateOnly? ReturnedOn { get; set; }
    /// <summary>The roll-out wave drawn when the case was opened (hash of the case id and the stored salt).</summary>
    public OrphanWave Wave { get; set; }
    /// <summary>A control-wave case is assigned by the first run on or after this day; null for the immediate wave.</summary>
    public DateOnly? AssignAfter { get; set; }
    public int Version { get; set; }
}

/// <summary>The salt of the wave draw (one row, made the first time the control wave is on), so the draw is reproducible yet not guessable from case ids.</summary>
public sealed class OrphanRollout
{
    public long Id { get; set; }
    public string Salt { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>A manual reassignment of an orphan case: from whom to whom, by whom, when, why, and whether the cap was overridden.</summary>
public sealed class OrphanOverride : IAppendOnly
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public long CustomerId { get; set; }
    public long? FromConsultantId { get; set; }
    public long ToConsultantId { get; set; }
    public string OverriddenBy { get; set; } = "";
    public DateTime OverriddenAt { get; set; }
    public string Why { get; set; } = "";
    public bool Forced { get; set; }
}

internal sealed class OrphanCaseConfiguration : IEntityTypeConfiguration<OrphanCase>
{
    public void Configure(EntityTypeBuilder<OrphanCase> b)
    {
        b.Property(p => p.Reasons).HasMaxLength(4000);
        b.Property(p => p.ContractIds).HasMaxLength(4000);
        b.Property(p => p.FirstContactBy).HasMaxLength(100);
        b.Property(p => p.FirstContactNote).HasMaxLength(2000);
        b.Property(p => p.CoverageCheckBy).HasMaxLength(100);
        b.Property(p => p.CoverageCheckNotes).HasMaxLength(2000);
        // A consultant's backlog, a former agent's cases (return), a customer's cases.
        b.HasIndex(p => new { p.ConsultantId, p.State });
        b.HasIndex(p => new { p.FormerAgentId, p.State });
        b.HasIndex(p => p.CustomerId);
    }
}

internal sealed class OrphanRolloutConfiguration : IEntityTypeConfiguration<OrphanRollout>
{
    public void Configure(EntityTypeBuilder<OrphanRollout> b) => b.Property(p => p.Salt).HasMaxLength(64);
}

internal sealed class OrphanOverrideConfiguration : IEntityTypeConfiguration<OrphanOverride>
{
    public void Configure(EntityTypeBuilder<OrphanOverride> b)
    {
        b.Property(p => p.OverriddenBy).HasMaxLength(100);
        b.Property(p => p.Why).HasMaxLength(500);
        b.HasIndex(p => p.CaseId);
    }
}

/// <summary>The orphan tables of <see cref="CrmDbContext"/>.</summary>
public static class OrphanSets
{
    extension(CrmDbContext db)
    {
        public DbSet<OrphanCase> OrphanCases => db.Set<OrphanCase>();
        public DbSet<OrphanOverride> OrphanOverrides => db.Set<OrphanOverride>();
        public DbSet<OrphanRollout> OrphanRollouts => db.Set<OrphanRollout>();
    }
}
