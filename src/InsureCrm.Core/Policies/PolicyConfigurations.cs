using InsureCrm.Core.Agents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Policies;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.Property(p => p.Code).HasMaxLength(20);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.HasIndex(p => p.Code).IsUnique();
    }
}

internal sealed class ContractConfiguration : IEntityTypeConfiguration<Contract>
{
    public void Configure(EntityTypeBuilder<Contract> b)
    {
        b.Property(p => p.ContractNumber).HasMaxLength(20);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.SumAssured).HasPrecision(18, 0);
        b.Property(p => p.Premium).HasPrecision(18, 0);
        b.HasIndex(p => p.ContractNumber).IsUnique();
        b.HasIndex(p => p.CustomerId);
        b.HasIndex(p => p.SellingAgentId);
        b.HasIndex(p => p.ServicingAgentId);
        b.HasIndex(p => p.MaturityDate); // the worklist build's maturing contracts (migration 0029)
        // The worklist build's unpaid premiums: premium-paying contracts by paid-to date (migration 0030). Enum literals, so
        // the source's query (written with the same constants) can use it.
        b.HasIndex(p => p.PaidToDate, "PremiumPayingPaidTo").HasFilter("status IN ('InForce', 'Reinstated') AND payment_mode <> 'LumpSum'");
        b.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Agent>().WithMany().HasForeignKey(p => p.SellingAgentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Agent>().WithMany().HasForeignKey(p => p.ServicingAgentId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Roles).WithOne().HasForeignKey(r => r.ContractId);
        b.HasMany(p => p.Riders).WithOne().HasForeignKey(r => r.ContractId);
    }
}

internal sealed class ContractRoleConfiguration : IEntityTypeConfiguration<ContractRole>
{
    public void Configure(EntityTypeBuilder<ContractRole> b)
    {
        b.Property(p => p.SharePercent).HasPrecision(5, 2);
        b.HasIndex(p => p.CustomerId);
        b.HasIndex(p => p.ContractId);
    }
}

internal sealed class ContractRiderConfiguration : IEntityTypeConfiguration<ContractRider>
{
    public void Configure(EntityTypeBuilder<ContractRider> b)
    {
        b.Property(p => p.SumAssured).HasPrecision(18, 0);
        b.Property(p => p.Premium).HasPrecision(18, 0);
        b.HasIndex(p => p.ContractId);
        b.HasIndex(p => p.CustomerId);
        b.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ContractStatusChangeConfiguration : IEntityTypeConfiguration<ContractStatusChange>
{
    public void Configure(EntityTypeBuilder<ContractStatusChange> b)
    {
        b.HasIndex(p => p.ContractId);
        b.HasIndex(p => p.CustomerId);
        b.HasOne<Contract>().WithMany().HasForeignKey(p => p.ContractId);
    }
}

internal sealed class LoanConfiguration : IEntityTypeConfiguration<Loan>
{
    public void Configure(EntityTypeBuilder<Loan> b)
    {
        b.Property(p => p.LoanNumber).HasMaxLength(20);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Principal).HasPrecision(18, 0);
        b.Property(p => p.Balance).HasPrecision(18, 0);
        b.Property(p => p.Rate).HasPrecision(9, 6);
        b.HasIndex(p => p.LoanNumber).IsUnique();
        b.HasIndex(p => p.CustomerId);
        b.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ClaimConfiguration : IEntityTypeConfiguration<Claim>
{
    public void Configure(EntityTypeBuilder<Claim> b)
    {
        b.Property(p => p.ClaimNumber).HasMaxLength(20);
        b.Property(p => p.Cause).HasMaxLength(20);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.AmountPaid).HasPrecision(18, 0);
        b.HasIndex(p => p.ClaimNumber).IsUnique();
        b.HasIndex(p => p.ContractId);
        b.HasIndex(p => p.CustomerId);
        b.HasOne<Contract>().WithMany().HasForeignKey(p => p.ContractId).OnDelete(DeleteBehavior.Restrict);
    }
}
