using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Customers;

/// <summary>
/// One erasure (anonymisation) of a customer at their request or when the relationship ended. Privacy carries it
/// out; the record keeps the fact, so that customer search never finds an erased customer.
/// </summary>
public sealed class CustomerErasure
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public DateTime RequestedAt { get; set; }
    /// <summary>The compliance account that carried it out.</summary>
    public string RequestedBy { get; set; } = "";
    public string Reason { get; set; } = "";
    /// <summary>Names (never values) of the fields and row kinds erased at once, comma-separated.</summary>
    public string ErasedFields { get; set; } = "";
    public DateOnly PurgeDue { get; set; }
    public DateTime? PurgedAt { get; set; }
}

internal sealed class CustomerErasureConfiguration : IEntityTypeConfiguration<CustomerErasure>
{
    public void Configure(EntityTypeBuilder<CustomerErasure> b)
    {
        b.Property(p => p.RequestedBy).HasMaxLength(60);
        b.Property(p => p.Reason).HasMaxLength(500);
        b.Property(p => p.ErasedFields).HasMaxLength(1000);
        b.HasIndex(p => p.CustomerId).IsUnique();
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}
