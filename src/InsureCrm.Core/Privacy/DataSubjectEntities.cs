using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Privacy;

/// <summary>
/// Data an erased customer's records must keep for the law (contracts, claims, the RRN ciphertext) until
/// <see cref="RetainUntil"/>; the purge job then removes the remaining personal fields.
/// </summary>
public sealed class CustomerRetention
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    /// <summary>Why the data is kept (the legal basis), without personal data.</summary>
    public string Reason { get; set; } = "";
    /// <summary>End of the relationship plus <c>Privacy:RetentionYears</c>.</summary>
    public DateOnly RetainUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? PurgedAt { get; set; }
}

internal sealed class CustomerRetentionConfiguration : IEntityTypeConfiguration<CustomerRetention>
{
    public void Configure(EntityTypeBuilder<CustomerRetention> b)
    {
        b.Property(p => p.Reason).HasMaxLength(500);
        b.HasIndex(p => p.CustomerId);
        b.HasIndex(p => p.RetainUntil);
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}
