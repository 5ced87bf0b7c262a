using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Interactions;

internal sealed class InteractionConfiguration : IEntityTypeConfiguration<Interaction>
{
    public void Configure(EntityTypeBuilder<Interaction> b)
    {
        b.Property(p => p.StaffUser).HasMaxLength(60);
        b.Property(p => p.Notes).HasMaxLength(2000);
        b.Property(p => p.SourceKey).HasMaxLength(60);
        b.HasIndex(p => new { p.CustomerId, p.OccurredAt });
        // The worklist build's last coverage check per customer (migration 0029).
        b.HasIndex(p => new { p.CustomerId, p.OccurredAt }, "CoverageCheck").HasFilter("purpose = 'CoverageCheck'");
        b.HasIndex(p => p.SourceKey).IsUnique();
    }
}
