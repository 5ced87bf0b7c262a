using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Measurement;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Core.Tests.Campaigns;

public sealed class DemoCampaignsTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);
    private static readonly TimeProvider Clock = new Fixed(new DateTimeOffset(2025, 6, 30, 1, 0, 0, TimeSpan.Zero));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EnsureAsync_GeneratedInsurer_WritesClosedPilotItsRollOutAndARunningCampaignWithBothArmsContactsAndResults_Once(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(2500, 7, null, AsOf, ChunkSize: 1000), null, CancellationToken.None);
        await using (var ctx = db.CreateContext())
        {
            await new DemoUsers(ctx, TimeProvider.System).EnsureAsync();
        }

        (await EnsureAsync(db)).ShouldBe(3);

        await using (var ctx = db.CreateContext())
        {
            var campaigns = await ctx.Campaigns.AsNoTracking().OrderBy(c => c.Code).ToListAsync();
            campaigns.Select(c => (c.Code, c.State)).ShouldBe(
                [("C-SYN-001", CampaignState.Closed), ("C-SYN-002", CampaignState.Closed), ("C-SYN-003", CampaignState.Running)]);
            var (pilot, rollOut, running) = (campaigns[0], campaigns[1], campaigns[2]);
            rollOut.ParentCampaignId.ShouldBe(pilot.Id);
            pilot.IsPilot.ShouldBeTrue();
            rollOut.IsPilot.ShouldBeFalse();
            var users = await ctx.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.UserName);
            campaigns.ShouldAllBe(c => users[c.AuthorUserId] == DemoCampaigns.Author && users[c.ApprovedByUserId!.Value] == DemoCampaigns.Approver);
            running.Lessons.ShouldBeNull();
            running.StartsOn.ShouldBe(AsOf.AddDays(-20));

            foreach (var c in campaigns)
            {
                var arms = await ctx.CampaignMembers.Where(m => m.CampaignId == c.Id).GroupBy(m => m.Arm)
                    .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
                arms.GetValueOrDefault(CampaignArm.Test).ShouldBeGreaterThan(0, c.Code);
                arms.GetValueOrDefault(CampaignArm.Control).ShouldBeGreaterThan(0, c.Code);
                var split = await ctx.CampaignSplits.SingleAsync(s => s.CampaignId == c.Id);
                (split.Test, split.Control, split.ExcludedHoldout).ShouldBe(
                    (arms.GetValueOrDefault(CampaignArm.Test), arms.GetValueOrDefault(CampaignArm.Control), arms.GetValueOrDefault(CampaignArm.Excluded)));

                // Every Test member has one contact; nobody else has any; a sent one left an interaction on the timeline.
                var contacts = await ctx.CampaignContacts.AsNoTracking().Where(x => x.CampaignId == c.Id).ToListAsync();
                contacts.Count.ShouldBe(arms[CampaignArm.Test], c.Code);
                var testIds = await ctx.CampaignMembers.Where(m => m.CampaignId == c.Id && m.Arm == CampaignArm.Test).Select(m => m.CustomerId).ToListAsync();
                contacts.Select(x => x.CustomerId).ShouldBe(testIds, ignoreOrder: true);
                contacts.ShouldContain(x => x.State == CampaignContactState.Sent || x.State == CampaignContactState.Done, c.Code);
                var sent = contacts.Where(x => x.State is CampaignContactState.Sent or CampaignContactState.Done).Select(x => "CMP-" + x.Id).ToList();
                (await ctx.Interactions.CountAsync(i => i.Purpose == InteractionPurpose.Campaign && sent.Contains(i.SourceKey!))).ShouldBe(sent.Count);
                contacts.Where(x => x.State == CampaignContactState.Blocked).ShouldAllBe(x => x.Reasons != "");

                (await ctx.CampaignAttributions.CountAsync(a => a.CampaignId == c.Id && a.AsOf == AsOf)).ShouldBe(1, c.Code);
                (await ctx.CampaignScripts.CountAsync(s => s.CampaignId == c.Id)).ShouldBe(6);
                (await ctx.CampaignEvents.Where(e => e.CampaignId == c.Id).Select(e => e.Kind).ToListAsync())
                    .ShouldContain(CampaignEventKind.Started);
            }

            // Blocked contacts are the consent policy's refusals, judged one by one as the sender would.
            var blocked = await ctx.CampaignContacts.AsNoTracking()
                .Where(x => x.CampaignId == pilot.Id && x.State == CampaignContactState.Blocked && x.Reasons != "NoAddress").Take(20).ToListAsync();
            var consents = Consents(ctx, db);
            foreach (var b in blocked)
            {
                var decision = await consents.CheckAsync(new ContactRequest(b.CustomerId, ContactChannel.Email, ContactPurpose.Marketing,
                    new DateTimeOffset(b.PlannedAt, TimeSpan.Zero)));
                decision!.Allowed.ShouldBeFalse();
            }

            // The running campaign mails in daily batches up to today: today's figures exist, nothing is dated after now.
            var today = TimeZoneInfo.ConvertTimeToUtc(AsOf.ToDateTime(TimeOnly.MinValue), TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
            var runningSent = await ctx.CampaignContacts.AsNoTracking().Where(x => x.CampaignId == running.Id && x.State == CampaignContactState.Sent)
                .Select(x => x.SentAt!.Value).ToListAsync();
            runningSent.ShouldContain(t => t >= today);
            runningSent.ShouldAllBe(t => t <= Clock.GetUtcNow().UtcDateTime);
            runningSent.Min().ShouldBeLessThan(today.AddDays(-19));

            // The pilot's lessons state its measured result.
            var result = (await new CampaignResultsService(db.Database).ResultsAsync(
                new CrmUser(1, "marketer", Role.Marketer, null, null, null, "test"), pilot.Id, ResultBreakdown.Total)).Value!;
            pilot.Lessons.ShouldNotBeNullOrWhiteSpace();
            pilot.Lessons.ShouldContain(result.Total.Comparison.Significant ? "유의하다" : "유의하지 않다");
            pilot.Lessons.ShouldContain($"({result.Total.Test.Responders:N0}/{result.Total.Test.Members:N0}명)");
            rollOut.Lessons.ShouldNotBeNullOrWhiteSpace();
        }

        var before = await CountsAsync(db);
        (await EnsureAsync(db)).ShouldBe(0);
        (await CountsAsync(db)).ShouldBe(before, "a second call adds nothing");
    }

    [Fact]
    public void PlanFor_IsTheGeneratorsPlan_SameCodesDatesStatesChannelsSharesAndRule()
    {
        var demo = DemoCampaigns.PlanFor(AsOf);
        var synthetic = CampaignPlan.For(AsOf);
        demo.Select(p => (p.Key, p.Code, p.Name, p.StartsOn, p.EndsOn, p.WindowDays, p.State, p.IsPilot, p.ParentKey, p.ControlShare, string.Join(',', p.Channels)))
            .ShouldBe(synthetic.Select(p => (p.Key, p.Code, p.Name, p.StartsOn, p.EndsOn, p.WindowDays, p.State, p.IsPilot, p.ParentKey, p.ControlShare, string.Join(',', p.Channels))));
        DemoCampaigns.HealthGap.ShouldBe(CampaignPlan.HealthGap);
        foreach (var person in new[] { true, false })
        {
            foreach (var age in new[] { 29, 30, 45, 59, 60 })
            {
                foreach (var holdings in new[] { 0, 1, 3 })
                {
                    foreach (var holds in new[] { true, false })
                    {
                        DemoCampaigns.Eligible(person, age, holdings, holds).ShouldBe(CampaignPlan.Eligible(person, age, holdings, holds));
                    }
                }
            }
        }
    }

    private static ConsentService Consents(CrmDbContext ctx, TestDatabase db) =>
        new(ctx, new ContactPolicy(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")), CustomerSeed.Protector(), Clock, new CustomerScope(ctx), CoreServices.Log(db, Clock));

    private static async Task<int> EnsureAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var options = new CampaignsOptions();
        var demo = new DemoCampaigns(db.Database, Consents(ctx, db), new Core.Campaigns.Measurement.CampaignAttribution(db.Database, options, Clock),
            new CampaignResultsService(db.Database), options, Clock, NullLogger<DemoCampaigns>.Instance);
        return await demo.EnsureAsync(AsOf, CancellationToken.None);
    }

    private static async Task<int[]> CountsAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        return
        [
            await ctx.Campaigns.CountAsync(), await ctx.Offers.CountAsync(), await ctx.TargetRules.CountAsync(), await ctx.CampaignMembers.CountAsync(),
            await ctx.CampaignContacts.CountAsync(), await ctx.CampaignEvents.CountAsync(), await ctx.CampaignAttributions.CountAsync(),
            await ctx.Interactions.CountAsync(),
        ];
    }

    private sealed class Fixed(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
