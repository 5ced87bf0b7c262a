using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>Migration 0024 on each provider: a whole campaign round-trips, and the scripts refuse what the plan may never hold.</summary>
public sealed class CampaignTablesTests
{
    private static readonly DateTime Now = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Campaign_WithEveryRelatedRow_RoundTrips(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        long campaignId;
        await using (var ctx = db.CreateContext())
        {
            var offer = new Offer { Code = "GIFT-UMBRELLA", Name = "우산", ProductFamily = ProductFamily.Health, Cost = 8_000, CostBasis = CostBasis.PerResponse };
            var rule = new TargetRule { Name = "건강 공백 30-59", OwnerUserId = 5, CreatedAt = Now };
            ctx.AddRange(offer, rule);
            await ctx.SaveChangesAsync();
            var version = new TargetRuleVersion { RuleId = rule.Id, Version = 1, Definition = """{"all":[{"field":"gap.family","op":"in","values":["Health"]}]}""", CreatedBy = "marketer", CreatedAt = Now };
            ctx.Add(version);
            await ctx.SaveChangesAsync();
            var campaign = NewCampaign(version.Id, 0.1m);
            ctx.Add(campaign);
            await ctx.SaveChangesAsync();
            campaignId = campaign.Id;
            ctx.AddRange(
                new CampaignChannel { CampaignId = campaignId, Channel = CampaignChannelKind.Email, Rank = 1, OfferId = offer.Id, UnitCost = 1.5m },
                new CampaignChannel { CampaignId = campaignId, Channel = CampaignChannelKind.Sms, Rank = 2, UnitCost = 9.9m, DailyLimit = 5_000 },
                new CampaignScript { CampaignId = campaignId, Channel = CampaignChannelKind.Email, Language = ScriptLanguage.TraditionalChinese, Version = 1, Subject = "(광고) 건강보험", Body = "{{name}} {{unsubscribe_url}}", CreatedBy = "marketer", CreatedAt = Now },
                new CampaignEvent { CampaignId = campaignId, At = Now, UserName = "marketer", Kind = CampaignEventKind.Created },
                new CampaignSplit { CampaignId = campaignId, AsOf = new(2026, 3, 1), Seed = 7, ControlShare = 0.1m, Candidates = 3, Test = 1, Control = 1, ExcludedHoldout = 1, CreatedAt = Now, CreatedBy = "marketer" },
                new CampaignMember { CampaignId = campaignId, CustomerId = 10, Arm = CampaignArm.Test, Stratum = "CrossSell/B", SplitHash = SplitHash.Key(7, 10), PlannedChannel = CampaignChannelKind.Email },
                new CampaignMember { CampaignId = campaignId, CustomerId = 11, Arm = CampaignArm.Excluded, Exclusion = MemberExclusion.UniversalHoldout, Stratum = "Unscored", SplitHash = SplitHash.Key(7, 11) },
                new CampaignContact { CampaignId = campaignId, CustomerId = 10, Channel = CampaignChannelKind.Email, Attempt = 1, IdemKey = CampaignContact.KeyOf(campaignId, 10, CampaignChannelKind.Email, 1), State = CampaignContactState.Blocked, Reasons = "NoConsent,FrequencyCap", PlannedAt = Now },
                new CampaignResponse { CampaignId = campaignId, Kind = CampaignObjective.NewContract, EventId = 900, CustomerId = 10, Arm = CampaignArm.Test, Stratum = "CrossSell/B", EventDate = new(2026, 4, 1), Revenue = 1_234_567 },
                new CampaignAttribution { CampaignId = campaignId, AsOf = new(2026, 4, 2), RanAt = Now, Responses = 1, RespondersTest = 1 });
            await ctx.SaveChangesAsync();
        }

        await using (var ctx = db.CreateContext())
        {
            var campaign = await ctx.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId);
            campaign.ControlShare.ShouldBe(0.1m);
            campaign.StartsOn.ShouldBe(new DateOnly(2026, 3, 9));
            campaign.State.ShouldBe(CampaignState.Draft);
            (await ctx.CampaignChannels.Where(c => c.CampaignId == campaignId).OrderBy(c => c.Rank).Select(c => c.UnitCost).ToListAsync()).ShouldBe([1.5m, 9.9m]);
            (await ctx.CampaignScripts.SingleAsync()).Language.ShouldBe("zh-TW");
            var members = await ctx.CampaignMembers.Where(m => m.CampaignId == campaignId).OrderBy(m => m.CustomerId).ToListAsync();
            members.Select(m => m.Exclusion).ShouldBe([null, MemberExclusion.UniversalHoldout]);
            members[0].SplitHash.ShouldBe(SplitHash.Key(7, 10));
            (await ctx.CampaignContacts.SingleAsync()).IdemKey.ShouldBe($"{campaignId}:10:Email:1");
            (await ctx.CampaignResponses.SingleAsync()).Revenue.ShouldBe(1_234_567m);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Contact_SameIdempotencyKeyTwice_IsRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var campaign = NewCampaign(null, 0.2m);
        ctx.Add(campaign);
        await ctx.SaveChangesAsync();
        var key = CampaignContact.KeyOf(campaign.Id, 10, CampaignChannelKind.Sms, 1);
        ctx.Add(new CampaignContact { CampaignId = campaign.Id, CustomerId = 10, Channel = CampaignChannelKind.Sms, Attempt = 1, IdemKey = key, PlannedAt = Now });
        await ctx.SaveChangesAsync();

        ctx.Add(new CampaignContact { CampaignId = campaign.Id, CustomerId = 10, Channel = CampaignChannelKind.Sms, Attempt = 1, IdemKey = key, PlannedAt = Now });
        await Should.ThrowAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Scripts_NegativeOfferCostOrControlShareOfOne_AreRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        await using (var ctx = db.CreateContext())
        {
            ctx.Add(new Offer { Code = "FREE", Name = "무료", Cost = 0, CostBasis = CostBasis.PerContact });
            await ctx.SaveChangesAsync();
            ctx.Add(new Offer { Code = "NEG", Name = "음수", Cost = -1, CostBasis = CostBasis.PerContact });
            await Should.ThrowAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
        }
        foreach (var share in new[] { 0m, 1m })
        {
            await using var ctx = db.CreateContext();
            ctx.Add(NewCampaign(null, share));
            await Should.ThrowAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
        }
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Offers.CountAsync()).ShouldBe(1);
            (await ctx.Campaigns.CountAsync()).ShouldBe(0);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Campaign_StaleVersion_IsNotSaved(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        long id;
        await using (var ctx = db.CreateContext())
        {
            var campaign = NewCampaign(null, 0.1m);
            ctx.Add(campaign);
            await ctx.SaveChangesAsync();
            id = campaign.Id;
        }
        await using var first = db.CreateContext();
        await using var second = db.CreateContext();
        var a = await first.Campaigns.SingleAsync(c => c.Id == id);
        var b = await second.Campaigns.SingleAsync(c => c.Id == id);

        a.Name = "첫 수정";
        await first.SaveChangesAsync();
        b.Name = "늦은 수정";

        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }

    private static Campaign NewCampaign(long? ruleVersionId, decimal controlShare) => new()
    {
        Code = "C-2026-" + Guid.NewGuid().ToString("N")[..6],
        Name = "건강보험 공백 파일럿",
        Theme = "health-gap",
        Hypothesis = "건강보험이 없는 30-59세는 이메일 안내에 반응한다",
        Objective = CampaignObjective.NewContract,
        ObjectiveFamilies = "Health,CriticalIllness,Cancer",
        WindowDays = 60,
        OwnerUserId = 5,
        AuthorUserId = 5,
        State = CampaignState.Draft,
        StartsOn = new(2026, 3, 9),
        EndsOn = new(2026, 4, 8),
        Budget = 10_000_000,
        RuleVersionId = ruleVersionId,
        ControlShare = controlShare,
        SplitSeed = 7,
        ExpectedLift = 0.01,
        FrequencyCap = 4,
        CreatedAt = Now,
        UpdatedAt = Now,
    };
}
