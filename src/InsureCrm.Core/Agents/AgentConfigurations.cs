using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Agents;

internal sealed class BranchConfiguration : IEntityTypeConfiguration<Branch>
{
    public void Configure(EntityTypeBuilder<Branch> b)
    {
        b.Property(p => p.Code).HasMaxLength(20);
        b.Property(p => p.Name).HasMaxLength(60);
        b.Property(p => p.Sido).HasMaxLength(20);
        b.Property(p => p.Sigungu).HasMaxLength(20);
        b.HasIndex(p => p.Code).IsUnique();
    }
}

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> b)
    {
        b.Property(p => p.Code).HasMaxLength(20);
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasIndex(p => p.Code).IsUnique();
        b.HasIndex(p => p.BranchId);
        b.HasOne<Branch>().WithMany().HasForeignKey(p => p.BranchId).OnDelete(DeleteBehavior.Restrict);
    }
}
