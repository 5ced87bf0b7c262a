using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Campaigns.Uplift;

/// <summary>
/// An uplift model learnt from a finished pilot's Test and Control members (<see cref="PilotUplift"/>): the approach,
/// the day its features were computed as of, the arms' sizes and responders, the held-out Qini coefficient, the
/// held-out measures (<see cref="UpliftMeasures"/> as JSON) and the model itself (<see cref="Artifact"/>).
/// </summary>
public sealed class CampaignUpliftModel
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    /// <summary>1, 2, … per pilot; every "learn uplift" adds one.</summary>
    public int Version { get; set; }
    public string Algorithm { get; set; } = "";
    public string Classifier { get; set; } = "";
    /// <summary>The day before the pilot's start: features are computed from what was known then.</summary>
    public DateOnly FeaturesAsOf { get; set; }
    public int Rows { get; set; }
    public int Treated { get; set; }
    public int TreatedResponders { get; set; }
    public int Control { get; set; }
    public int ControlResponders { get; set; }
    /// <summary>Members left out: merged or erased since, or with a stored value out of range.</summary>
    public int Skipped { get; set; }
    public int HeldOutRows { get; set; }
    public double? Qini { get; set; }
    /// <summary>The held-out measures, <see cref="UpliftMeasures"/> as JSON.</summary>
    public string Evaluation { get; set; } = "{}";
    /// <summary>The model as <c>UpliftModelJson</c> writes it.</summary>
    public string Artifact { get; set; } = "{}";
    public string TrainedBy { get; set; } = "";
    public DateTime TrainedAt { get; set; }
}

/// <summary>
/// A roll-out that targets the top <see cref="TopN"/> of its rule's customers by the predicted uplift of
/// <see cref="ModelId"/>; customers predicted to react badly are left out unless <see cref="KeepNegative"/>. The other
/// columns are what its last split found (null before one).
/// </summary>
public sealed class CampaignUpliftTargeting
{
    public long CampaignId { get; set; }
    public long ModelId { get; set; }
    public int TopN { get; set; }
    public bool KeepNegative { get; set; }
    public int? Scored { get; set; }
    /// <summary>Customers with a predicted uplift below 0 (the "sleeping dogs"), left out unless kept.</summary>
    public int? Negative { get; set; }
    /// <summary>Customers with a positive uplift below the top N.</summary>
    public int? BelowCut { get; set; }
    /// <summary>Sum of the predicted uplift of the top N: the responses the campaign is expected to add.</summary>
    public double? ExpectedIncremental { get; set; }
    /// <summary>The same sum for the top N by the response score (<see cref="ResponseModel"/>), for comparison.</summary>
    public double? ExpectedIncrementalByResponse { get; set; }
    /// <summary>The pilot's revenue per Test response.</summary>
    public decimal? ValuePerResponse { get; set; }
    /// <summary>Cost of one contact on the roll-out's first channel.</summary>
    public decimal? UnitCost { get; set; }
    /// <summary>The champion model whose score ranked the comparison; null when none was scored.</summary>
    public string? ResponseModel { get; set; }
}

/// <summary>A customer the split of an uplift-targeted roll-out scored: predicted uplift, response score, rank and top reasons.</summary>
public sealed class CampaignUpliftScore
{
    public long CampaignId { get; set; }
    public long CustomerId { get; set; }
    public double Uplift { get; set; }
    public double? Response { get; set; }
    /// <summary>1 = the highest predicted uplift.</summary>
    public int Rank { get; set; }
    /// <summary>The top reasons, as <c>InsurerModelScorer.ReasonsJson</c> writes them (effects on the uplift).</summary>
    public string Reasons { get; set; } = "[]";
}

internal sealed class CampaignUpliftModelConfiguration : IEntityTypeConfiguration<CampaignUpliftModel>
{
    public void Configure(EntityTypeBuilder<CampaignUpliftModel> b)
    {
        b.Property(p => p.Algorithm).HasMaxLength(32);
        b.Property(p => p.Classifier).HasMaxLength(32);
        b.Property(p => p.TrainedBy).HasMaxLength(100);
        b.Property(p => p.Evaluation).HasMaxLength(200_000);
        b.Property(p => p.Artifact).HasMaxLength(10_000_000);
        b.HasIndex(p => new { p.CampaignId, p.Version }).IsUnique();
        b.HasOne<Campaign>().WithMany().HasForeignKey(p => p.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CampaignUpliftTargetingConfiguration : IEntityTypeConfiguration<CampaignUpliftTargeting>
{
    public void Configure(EntityTypeBuilder<CampaignUpliftTargeting> b)
    {
        b.HasKey(p => p.CampaignId);
        b.Property(p => p.CampaignId).ValueGeneratedNever();
        b.Property(p => p.ValuePerResponse).HasPrecision(18, 2);
        b.Property(p => p.UnitCost).HasPrecision(18, 2);
        b.Property(p => p.ResponseModel).HasMaxLength(64);
        b.HasOne<Campaign>().WithOne().HasForeignKey<CampaignUpliftTargeting>(p => p.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<CampaignUpliftModel>().WithMany().HasForeignKey(p => p.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignUpliftScoreConfiguration : IEntityTypeConfiguration<CampaignUpliftScore>
{
    public void Configure(EntityTypeBuilder<CampaignUpliftScore> b)
    {
        // No foreign keys, like campaign_member: the split writes these by COPY.
        b.HasKey(p => new { p.CampaignId, p.CustomerId });
        b.Property(p => p.Reasons).HasMaxLength(2000);
    }
}
