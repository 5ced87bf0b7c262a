using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Value;

/// <summary>
/// One period of a customer's lifecycle state in one dimension. A row is written only when the state
/// changes; the open period has no <see cref="Until"/>.
/// </summary>
public sealed class CustomerLifecycle
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public LifecycleDimension Dimension { get; set; }
    public LifecycleState State { get; set; }
    /// <summary>The as-of date of the run that first saw the state.</summary>
    public DateOnly Since { get; set; }
    /// <summary>The as-of date of the run that saw the next state; null while current.</summary>
    public DateOnly? Until { get; set; }
    /// <summary>The value run that wrote the row, when run as part of the nightly chain.</summary>
    public long? RunId { get; set; }
}

internal sealed class CustomerLifecycleConfiguration : IEntityTypeConfiguration<CustomerLifecycle>
{
    public void Configure(EntityTypeBuilder<CustomerLifecycle> b)
    {
        b.HasIndex(p => new { p.CustomerId, p.Dimension, p.Since });
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}
