using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Identity;

public enum MergeRule { SameRrn, SameNameBirthDatePhone, Manual }

/// <summary>
/// One identity merge: <see cref="MergedId"/> was folded into <see cref="SurvivorId"/>. <see cref="MovedJson"/>
/// lists every row re-pointed so that the merge can be undone exactly.
/// </summary>
public sealed class IdentityMerge
{
    public long Id { get; set; }
    public long SurvivorId { get; set; }
    public long MergedId { get; set; }
    public MergeRule Rule { get; set; }
    public DateTime MergedAt { get; set; }
    public string MergedBy { get; set; } = "";
    public string MovedJson { get; set; } = "{}";
    public DateTime? UndoneAt { get; set; }
    public string? UndoneBy { get; set; }
}

internal sealed class IdentityMergeConfiguration : IEntityTypeConfiguration<IdentityMerge>
{
    public void Configure(EntityTypeBuilder<IdentityMerge> b)
    {
        b.Property(p => p.MovedJson).HasMaxLength(100_000);
        b.Property(p => p.MergedBy).HasMaxLength(60);
        b.Property(p => p.UndoneBy).HasMaxLength(60);
        b.HasIndex(p => p.SurvivorId);
        b.HasIndex(p => p.MergedId);
    }
}
