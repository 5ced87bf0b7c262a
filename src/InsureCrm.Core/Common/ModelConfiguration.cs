using InsureCrm.Core.Agents;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Imports;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Common;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.RrnCipher).HasMaxLength(120);
        b.Property(c => c.RrnHash).HasMaxLength(64);
        b.Property(c => c.RrnMasked).HasMaxLength(14);
        b.Property(c => c.BusinessNumber).HasMaxLength(12);
        b.Property(c => c.Occupation).HasMaxLength(40);
        b.HasIndex(c => new { c.Name, c.Id });
        b.HasIndex(c => c.RrnHash);
        b.HasIndex(c => c.MergedIntoId);
        b.HasMany(c => c.Phones).WithOne().HasForeignKey(p => p.CustomerId);
        b.HasMany(c => c.Emails).WithOne().HasForeignKey(p => p.CustomerId);
        b.HasMany(c => c.Addresses).WithOne().HasForeignKey(p => p.CustomerId);
        b.HasMany(c => c.SourceKeys).WithOne().HasForeignKey(p => p.CustomerId);
    }
}

internal sealed class CustomerPhoneConfiguration : IEntityTypeConfiguration<CustomerPhone>
{
    public void Configure(EntityTypeBuilder<CustomerPhone> b)
    {
        b.Property(p => p.Number).HasMaxLength(20);
        b.HasIndex(p => p.Number);
        // The same expression on both providers (migrations 0017): virtual on SQLite, stored on PostgreSQL 15.
        b.Property(p => p.NumberLast4).HasMaxLength(4).HasComputedColumnSql("substr(number, length(number) - 3)", stored: false);
        b.HasIndex(p => p.NumberLast4);
        b.HasIndex(p => p.CustomerId);
    }
}

internal sealed class CustomerEmailConfiguration : IEntityTypeConfiguration<CustomerEmail>
{
    public void Configure(EntityTypeBuilder<CustomerEmail> b) => b.HasIndex(p => p.CustomerId);
}

internal sealed class CustomerAddressConfiguration : IEntityTypeConfiguration<CustomerAddress>
{
    public void Configure(EntityTypeBuilder<CustomerAddress> b)
    {
        b.Property(p => p.Sido).HasMaxLength(20);
        b.Property(p => p.Sigungu).HasMaxLength(20);
        b.Property(p => p.PostalCode).HasMaxLength(10);
        b.HasIndex(p => p.CustomerId);
    }
}

internal sealed class CustomerSourceKeyConfiguration : IEntityTypeConfiguration<CustomerSourceKey>
{
    public void Configure(EntityTypeBuilder<CustomerSourceKey> b)
    {
        b.Property(p => p.SourceSystem).HasMaxLength(20);
        b.Property(p => p.SourceId).HasMaxLength(40);
        b.HasIndex(p => new { p.SourceSystem, p.SourceId }).IsUnique();
        b.HasIndex(p => p.CustomerId);
    }
}

internal sealed class HouseholdConfiguration : IEntityTypeConfiguration<Household>
{
    public void Configure(EntityTypeBuilder<Household> b) =>
        b.HasMany(h => h.Members).WithOne().HasForeignKey(m => m.HouseholdId);
}

internal sealed class HouseholdMemberConfiguration : IEntityTypeConfiguration<HouseholdMember>
{
    public void Configure(EntityTypeBuilder<HouseholdMember> b)
    {
        b.HasIndex(m => m.CustomerId);
        b.HasOne<Customer>().WithMany().HasForeignKey(m => m.CustomerId);
    }
}

internal sealed class CustomerRelationshipConfiguration : IEntityTypeConfiguration<CustomerRelationship>
{
    public void Configure(EntityTypeBuilder<CustomerRelationship> b)
    {
        b.HasIndex(r => r.CustomerId);
        b.HasIndex(r => r.RelatedCustomerId);
        b.HasOne<Customer>().WithMany().HasForeignKey(r => r.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(r => r.RelatedCustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MarketingConsentConfiguration : IEntityTypeConfiguration<MarketingConsent>
{
    public void Configure(EntityTypeBuilder<MarketingConsent> b)
    {
        b.Property(p => p.Source).HasMaxLength(40);
        b.HasIndex(p => p.CustomerId);
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId);
    }
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
        b.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
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
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
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
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
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

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.ToTable("app_user");
        b.Property(p => p.UserName).HasMaxLength(60);
        b.Property(p => p.DisplayName).HasMaxLength(100);
        b.Property(p => p.PasswordHash).HasMaxLength(200);
        b.HasIndex(p => p.UserName).IsUnique();
    }
}

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> b)
    {
        b.Property(p => p.FileName).HasMaxLength(400);
        b.Property(p => p.FileSha256).HasMaxLength(64);
    }
}

internal sealed class AccessLogEntryConfiguration : IEntityTypeConfiguration<AccessLogEntry>
{
    public void Configure(EntityTypeBuilder<AccessLogEntry> b)
    {
        b.Property(p => p.UserName).HasMaxLength(60);
        b.Property(p => p.Ip).HasMaxLength(45);
        b.Property(p => p.Reason).HasMaxLength(500);
        b.Property(p => p.Detail).HasMaxLength(500);
        b.Property(p => p.PrevHash).HasMaxLength(64);
        b.Property(p => p.Hash).HasMaxLength(64);
        b.HasIndex(p => p.At);
        b.HasIndex(p => new { p.CustomerId, p.At });
        b.HasIndex(p => new { p.UserName, p.At });
    }
}
