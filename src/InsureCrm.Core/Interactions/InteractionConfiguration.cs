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
        b.HasIndex(p => p.SourceKey).IsUnique();
    }
}
