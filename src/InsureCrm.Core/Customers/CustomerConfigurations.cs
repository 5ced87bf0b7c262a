using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Customers;

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
        // Partial (migration 0019): only merged customers, so that "merged_into_id IS NULL" is never served by it.
        b.HasIndex(c => c.MergedIntoId).HasFilter("merged_into_id IS NOT NULL");
        b.HasMany(c => c.Phones).WithOne().HasForeignKey(p => p.CustomerId);
        b.HasMany(c => c.Emails).WithOne().HasForeignKey(p => p.CustomerId);
        b.HasMany(c => c.Addresses).WithOne().HasForeignKey(p => p.CustomerId);
        b.HasMany(c => c.SourceKeys).WithOne().HasForeignKey(p => p.CustomerId);
        // Contracts, their roles and loans name their customer; Policies lies below Customers and does not
        // know the customer entity, so these relationships are declared from this side.
        b.HasMany<Contract>().WithOne().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany<ContractRole>().WithOne().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany<Loan>().WithOne().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
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
        // A customer's phones primary first (migration 0019): the order they are listed in and the first one taken.
        b.HasIndex(p => new { p.CustomerId, p.IsPrimary, p.Id }).IsDescending(false, true, false);
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
        // A customer's addresses primary first (migration 0019), like the phones.
        b.HasIndex(p => new { p.CustomerId, p.IsPrimary, p.Id }).IsDescending(false, true, false);
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

internal sealed class CustomerProviderConfiguration : IProviderModelConfiguration
{
    public void Configure(ModelBuilder modelBuilder, bool isPostgres)
    {
        if (isPostgres)
        {
            // Byte-order collation lets the (name, id) index serve prefix search and keyset paging.
            modelBuilder.Entity<Customer>().Property(c => c.Name).UseCollation("C");
            // Hashes, keys and digits need no language-aware ordering; "C" halves their index build time.
            modelBuilder.Entity<Customer>().Property(c => c.RrnHash).UseCollation("C");
            modelBuilder.Entity<CustomerSourceKey>().Property(k => k.SourceId).UseCollation("C");
            modelBuilder.Entity<CustomerPhone>().Property(p => p.Number).UseCollation("C");
            // PostgreSQL 15 has only stored generated columns.
            modelBuilder.Entity<CustomerPhone>().Property(p => p.NumberLast4).UseCollation("C")
                .HasComputedColumnSql("substr(number, length(number) - 3)", stored: true);
        }
    }
}
