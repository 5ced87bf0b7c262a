using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns;

/// <summary>The campaign tables of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class CampaignSets
{
    extension(CrmDbContext db)
    {
        public DbSet<Offer> Offers => db.Set<Offer>();
        public DbSet<TargetRule> TargetRules => db.Set<TargetRule>();
        public DbSet<TargetRuleVersion> TargetRuleVersions => db.Set<TargetRuleVersion>();
        public DbSet<Campaign> Campaigns => db.Set<Campaign>();
        public DbSet<CampaignChannel> CampaignChannels => db.Set<CampaignChannel>();
        public DbSet<CampaignScript> CampaignScripts => db.Set<CampaignScript>();
        public DbSet<CampaignEvent> CampaignEvents => db.Set<CampaignEvent>();
        public DbSet<HoldoutYear> HoldoutYears => db.Set<HoldoutYear>();
        public DbSet<CampaignSplit> CampaignSplits => db.Set<CampaignSplit>();
        public DbSet<CampaignMember> CampaignMembers => db.Set<CampaignMember>();
        public DbSet<CampaignContact> CampaignContacts => db.Set<CampaignContact>();
        public DbSet<CampaignResponse> CampaignResponses => db.Set<CampaignResponse>();
        public DbSet<CampaignAttribution> CampaignAttributions => db.Set<CampaignAttribution>();
        public DbSet<Uplift.CampaignUpliftModel> CampaignUpliftModels => db.Set<Uplift.CampaignUpliftModel>();
        public DbSet<Uplift.CampaignUpliftTargeting> CampaignUpliftTargetings => db.Set<Uplift.CampaignUpliftTargeting>();
        public DbSet<Uplift.CampaignUpliftScore> CampaignUpliftScores => db.Set<Uplift.CampaignUpliftScore>();
    }
}
