using InsureCrm.Core.Customers;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Campaigns.Targeting;

/// <summary>
/// One live customer's row of the targeting mart (<c>customer_target</c>, migration 0025), written only by
/// <see cref="TargetingMart"/>'s INSERT … SELECT and read by the compiled rules' SQL; mapped so that the schema and the
/// model stay one.
/// </summary>
public sealed class CustomerTarget
{
    public long CustomerId { get; set; }
    public CustomerKind Kind { get; set; }
    public Gender Gender { get; set; }
    public DateOnly? BirthDate { get; set; }
    public int ActiveContracts { get; set; }
    /// <summary>The product families of the active contracts, bit <c>1 &lt;&lt; (int)family</c> each.</summary>
    public int Families { get; set; }
    public bool Orphaned { get; set; }
    public bool LoanActive { get; set; }
    public long? AgentId { get; set; }
    public long? BranchId { get; set; }
    public string? Grade { get; set; }
    public double? TotalValue { get; set; }
    public SegmentCell? GridCell { get; set; }
    public int? NeedsGroup { get; set; }
    public Strategy? Strategy { get; set; }
    public LifecycleState? LifecycleInsurance { get; set; }
    public LifecycleState? LifecycleLoan { get; set; }
    public string? Sido { get; set; }
    public bool HasEmail { get; set; }
    public bool HasMobile { get; set; }
    public bool HasPhone { get; set; }
    public bool HasAddress { get; set; }
    public bool ConsentVisit { get; set; }
    public bool ConsentPhone { get; set; }
    public bool ConsentSms { get; set; }
    public bool ConsentEmail { get; set; }
    public bool ConsentDm { get; set; }
}

/// <summary>The one row of <c>customer_target_refresh</c>: when and from what the mart was built.</summary>
public sealed class CustomerTargetRefresh
{
    public int Id { get; set; }
    public DateOnly AsOf { get; set; }
    public DateTime RefreshedAt { get; set; }
    public long? ValueRunId { get; set; }
    public long Customers { get; set; }
}

internal sealed class CustomerTargetConfiguration : IEntityTypeConfiguration<CustomerTarget>
{
    public void Configure(EntityTypeBuilder<CustomerTarget> b)
    {
        b.ToTable("customer_target");
        b.HasKey(p => p.CustomerId);
        b.Property(p => p.CustomerId).ValueGeneratedNever();
        b.Property(p => p.Grade).HasMaxLength(8);
        b.Property(p => p.Sido).HasMaxLength(40);
    }
}

internal sealed class CustomerTargetRefreshConfiguration : IEntityTypeConfiguration<CustomerTargetRefresh>
{
    public void Configure(EntityTypeBuilder<CustomerTargetRefresh> b)
    {
        b.ToTable("customer_target_refresh");
        b.Property(p => p.Id).ValueGeneratedNever();
    }
}
