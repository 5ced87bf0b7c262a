using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Value;

/// <summary>A customer's place in one value run: grid cell, needs group and the strategy resolved for them.</summary>
public sealed class CustomerSegment
{
    public long RunId { get; set; }
    public long CustomerId { get; set; }
    public SegmentCell GridCell { get; set; }
    /// <summary>The k-means needs group, 0 to K − 1; described by the run's <see cref="SegmentProfile"/>.</summary>
    public int NeedsGroup { get; set; }
    public Strategy Strategy { get; set; }
    /// <summary>Channels in order of preference, comma-separated enum names (e.g. <c>Fc,Tc</c>).</summary>
    public string Channels { get; set; } = "";
    public ServiceLevel ServiceLevel { get; set; }
}

/// <summary>One needs group of a run: its size, share of the run's customers and readable profile (JSON).</summary>
public sealed class SegmentProfile
{
    public long RunId { get; set; }
    public int NeedsGroup { get; set; }
    public int Size { get; set; }
    public double Share { get; set; }
    /// <summary>The distinctive features as JSON: <c>[{"name":"age","mean":52.1,"overallMean":41.3,"z":1.2}]</c>.</summary>
    public string Profile { get; set; } = "[]";
}

internal sealed class CustomerSegmentConfiguration : IEntityTypeConfiguration<CustomerSegment>
{
    public void Configure(EntityTypeBuilder<CustomerSegment> b)
    {
        b.HasKey(p => new { p.RunId, p.CustomerId });
        b.Property(p => p.Channels).HasMaxLength(64);
        // Drill-downs list one cell or group of a run by customer id.
        b.HasIndex(p => new { p.RunId, p.GridCell, p.CustomerId });
        b.HasIndex(p => new { p.RunId, p.NeedsGroup, p.CustomerId });
        // No foreign keys and no index on customer_id alone, as customer_value (migration 0020): a row per customer and
        // night, and every read names the run.
    }
}

internal sealed class SegmentProfileConfiguration : IEntityTypeConfiguration<SegmentProfile>
{
    public void Configure(EntityTypeBuilder<SegmentProfile> b)
    {
        b.HasKey(p => new { p.RunId, p.NeedsGroup });
        b.Property(p => p.Profile).HasMaxLength(8000);
        b.HasOne<ValueRun>().WithMany().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
