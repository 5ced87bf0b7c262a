using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Campaigns;

// Migration 0024_campaigns.sql writes the same tables for both providers. User ids carry no foreign key to app_user:
// accounts are deactivated, never deleted, and the synthetic insurer plants past campaigns before any account exists.
// The scripts also check that an offer's cost is not negative and that a control share lies strictly between 0 and 1.

internal sealed class OfferConfiguration : IEntityTypeConfiguration<Offer>
{
    public void Configure(EntityTypeBuilder<Offer> b)
    {
        b.Property(p => p.Code).HasMaxLength(40);
        b.Property(p => p.Cost).HasPrecision(18, 0);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.HasIndex(p => p.Code).IsUnique();
    }
}

internal sealed class TargetRuleConfiguration : IEntityTypeConfiguration<TargetRule>
{
    public void Configure(EntityTypeBuilder<TargetRule> b) => b.HasIndex(p => p.Name).IsUnique();
}

internal sealed class TargetRuleVersionConfiguration : IEntityTypeConfiguration<TargetRuleVersion>
{
    public void Configure(EntityTypeBuilder<TargetRuleVersion> b)
    {
        b.Property(p => p.Definition).HasMaxLength(TargetRuleVersion.MaxDefinitionLength);
        b.Property(p => p.CreatedBy).HasMaxLength(100);
        b.HasIndex(p => new { p.RuleId, p.Version }).IsUnique();
        b.HasOne<TargetRule>().WithMany().HasForeignKey(p => p.RuleId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.Property(p => p.Code).HasMaxLength(20);
        b.Property(p => p.Theme).HasMaxLength(100);
        b.Property(p => p.Hypothesis).HasMaxLength(Campaign.MaxHypothesisLength);
        b.Property(p => p.ObjectiveFamilies).HasMaxLength(400);
        b.Property(p => p.Budget).HasPrecision(18, 0);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.ControlShare).HasPrecision(5, 4);
        b.Property(p => p.Lessons).HasMaxLength(Campaign.MaxLessonsLength);
        b.HasIndex(p => p.Code).IsUnique();
        b.HasIndex(p => p.State);
        b.HasIndex(p => p.Theme);
        b.HasIndex(p => p.Name);
        b.HasOne<TargetRuleVersion>().WithMany().HasForeignKey(p => p.RuleVersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Campaign>().WithMany().HasForeignKey(p => p.ParentCampaignId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignChannelConfiguration : IEntityTypeConfiguration<CampaignChannel>
{
    public void Configure(EntityTypeBuilder<CampaignChannel> b)
    {
        b.HasKey(p => new { p.CampaignId, p.Channel });
        b.Property(p => p.UnitCost).HasPrecision(18, 2);
        b.HasOne<Campaign>().WithMany().HasForeignKey(p => p.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Offer>().WithMany().HasForeignKey(p => p.OfferId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignScriptConfiguration : IEntityTypeConfiguration<CampaignScript>
{
    public void Configure(EntityTypeBuilder<CampaignScript> b)
    {
        b.Property(p => p.Language).HasMaxLength(8);
        b.Property(p => p.Body).HasMaxLength(CampaignScript.MaxBodyLength);
        b.Property(p => p.CreatedBy).HasMaxLength(100);
        b.HasIndex(p => new { p.CampaignId, p.Channel, p.Language, p.Version }).IsUnique();
        b.HasOne<Campaign>().WithMany().HasForeignKey(p => p.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CampaignEventConfiguration : IEntityTypeConfiguration<CampaignEvent>
{
    public void Configure(EntityTypeBuilder<CampaignEvent> b)
    {
        b.Property(p => p.UserName).HasMaxLength(100);
        b.Property(p => p.Detail).HasMaxLength(8000);
        b.HasIndex(p => new { p.CampaignId, p.At });
        b.HasOne<Campaign>().WithMany().HasForeignKey(p => p.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class HoldoutYearConfiguration : IEntityTypeConfiguration<HoldoutYear>
{
    public void Configure(EntityTypeBuilder<HoldoutYear> b)
    {
        b.HasKey(p => p.Year);
        b.Property(p => p.Year).ValueGeneratedNever();
        b.Property(p => p.Share).HasPrecision(5, 4);
        b.Property(p => p.CreatedBy).HasMaxLength(100);
    }
}

internal sealed class CampaignSplitConfiguration : IEntityTypeConfiguration<CampaignSplit>
{
    public void Configure(EntityTypeBuilder<CampaignSplit> b)
    {
        b.HasKey(p => p.CampaignId);
        b.Property(p => p.CampaignId).ValueGeneratedNever();
        b.Property(p => p.ControlShare).HasPrecision(5, 4);
        b.Property(p => p.CreatedBy).HasMaxLength(100);
        b.HasOne<Campaign>().WithOne().HasForeignKey<CampaignSplit>(p => p.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CampaignMemberConfiguration : IEntityTypeConfiguration<CampaignMember>
{
    public void Configure(EntityTypeBuilder<CampaignMember> b)
    {
        b.HasKey(p => new { p.CampaignId, p.CustomerId });
        b.Property(p => p.Stratum).HasMaxLength(40);
        // Overlap checks and the customer page look members up by customer. No foreign keys: a split writes up to a
        // few hundred thousand rows by COPY, and a key check per row is what migration 0020 removed elsewhere.
        b.HasIndex(p => new { p.CustomerId, p.CampaignId });
    }
}

internal sealed class CampaignContactConfiguration : IEntityTypeConfiguration<CampaignContact>
{
    public void Configure(EntityTypeBuilder<CampaignContact> b)
    {
        b.Property(p => p.IdemKey).HasMaxLength(80);
        b.Property(p => p.Reasons).HasMaxLength(200);
        b.Property(p => p.MessageRef).HasMaxLength(200);
        b.Property(p => p.OutcomeBy).HasMaxLength(100);
        b.Property(p => p.ExportId).HasMaxLength(40);
        b.Property(p => p.Error).HasMaxLength(40);
        b.HasIndex(p => p.IdemKey).IsUnique();
        // Claiming the next batch, the dashboard's sends by day, and an agent's open contacts. Released by
        // INSERT … SELECT from the members, so no foreign keys either.
        b.HasIndex(p => new { p.CampaignId, p.State, p.Id });
        b.HasIndex(p => new { p.CampaignId, p.SentAt });
        b.HasIndex(p => new { p.AgentId, p.State });
    }
}

internal sealed class CampaignResponseConfiguration : IEntityTypeConfiguration<CampaignResponse>
{
    public void Configure(EntityTypeBuilder<CampaignResponse> b)
    {
        b.HasKey(p => new { p.CampaignId, p.Kind, p.EventId });
        b.Property(p => p.Stratum).HasMaxLength(40);
        b.Property(p => p.Revenue).HasPrecision(18, 0);
        // Rewritten whole per attribution run by INSERT … SELECT: no foreign keys.
        b.HasIndex(p => new { p.CampaignId, p.Arm });
    }
}

internal sealed class CampaignAttributionConfiguration : IEntityTypeConfiguration<CampaignAttribution>
{
    public void Configure(EntityTypeBuilder<CampaignAttribution> b)
    {
        b.HasIndex(p => new { p.CampaignId, p.AsOf });
        b.HasOne<Campaign>().WithMany().HasForeignKey(p => p.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
