using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Campaigns.Measurement;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using InsureCrm.Tests;
using Xunit.Abstractions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Tests.Campaigns;

public sealed class DemoCampaignsTests(ITestOutputHelper output)
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);
    private static readonly TimeProvider Clock = new Fixed(new DateTimeOffset(2025, 6, 30, 1, 0, 0, TimeSpan.Zero));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EnsureAsync_GeneratedInsurer_WritesClosedPilotItsRollOutAndARunningCampaignWithBothArmsContactsAndResults_Once(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(2500, 7, null, AsOf, ChunkSize: 1000), null, CancellationToken.None);
        // As at start-up: the first night's value run as of the generator's date prices the sales.
        await new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 1000 }), TimeProvider.System, NullLogger<ValueRunner>.Instance)
            .RunAsync(AsOf);
        await using (var ctx = db.CreateContext())
        {
            await new DemoUsers(ctx, TimeProvider.System).EnsureAsync();
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        (await EnsureAsync(db)).ShouldBe(3);
        // Start-up cost of the demo's campaigns, reported (never asserted: performance is measured in bench/).
        output.WriteLine($"{provider}: DemoCampaigns.EnsureAsync on 2,500 customers took {clock.ElapsedMilliseconds} ms");

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

                // Every Test member has a contact (a second one only when a call handed them to their agent); nobody else
                // has any; a sent one left an interaction on the timeline.
                var contacts = await ctx.CampaignContacts.AsNoTracking().Where(x => x.CampaignId == c.Id).ToListAsync();
                var testIds = await ctx.CampaignMembers.Where(m => m.CampaignId == c.Id && m.Arm == CampaignArm.Test).Select(m => m.CustomerId).ToListAsync();
                contacts.Select(x => x.CustomerId).Distinct().ShouldBe(testIds, ignoreOrder: true);
                foreach (var twice in contacts.GroupBy(x => x.CustomerId).Where(g => g.Count() > 1))
                {
                    twice.Select(x => x.Channel).ShouldBe([CampaignChannelKind.CallList, CampaignChannelKind.Agent], ignoreOrder: true);
                    twice.Single(x => x.Channel == CampaignChannelKind.CallList).Outcome.ShouldBeOneOf(CallOutcome.Interested, CallOutcome.Appointment);
                }
                contacts.ShouldContain(x => x.State == CampaignContactState.Sent || x.State == CampaignContactState.Done, c.Code);
                var sent = contacts.Where(x => x.State is CampaignContactState.Sent or CampaignContactState.Done).Select(x => "CMP-" + x.Id).ToList();
                (await ctx.Interactions.CountAsync(i => i.Purpose == InteractionPurpose.Campaign && sent.Contains(i.SourceKey!))).ShouldBe(sent.Count);
                contacts.Where(x => x.State == CampaignContactState.Blocked).ShouldAllBe(x => x.Reasons != "");

                (await ctx.CampaignAttributions.CountAsync(a => a.CampaignId == c.Id && a.AsOf == AsOf)).ShouldBe(1, c.Code);
                var planned = DemoCampaigns.PlanFor(AsOf).Single(p => p.Code == c.Code);
                (await ctx.CampaignScripts.CountAsync(s => s.CampaignId == c.Id)).ShouldBe(3 * DemoCampaigns.Waterfall(planned).Count);
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

            // The running campaign's dashboard has today's contacts on each of its channels: the day's e-mail batch, the
            // visits and the calls reported today.
            var marketer = new CrmUser(1, "marketer", Role.Marketer, null, null, null, "test");
            var dashboard = (await new CampaignDashboardService(db.Database, new CampaignResultsService(db.Database, new Core.Campaigns.Measurement.CampaignAttribution(db.Database, new CampaignsOptions(), Clock)), Clock)
                .DashboardAsync(marketer, running.Id, DashboardPeriod.Day)).Value!;
            dashboard.Counts.Where(x => x.Period == AsOf && x.Dimension == CampaignDashboardService.Channel).Select(x => x.Key)
                .ShouldBe(["Agent", "CallList", "Email"], ignoreOrder: true);
            dashboard.Counts.ShouldContain(x => x.Dimension == CampaignDashboardService.Outcome && x.Key == "Interested");

            // Visits pass the contact policy (the demo's visit consents), judged as the sender would at the start.
            var start = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(running.StartsOn.ToDateTime(new TimeOnly(10, 0)), TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")));
            var visits = await ctx.CampaignContacts.AsNoTracking().Where(x => x.CampaignId == running.Id && x.Channel == CampaignChannelKind.Agent).Take(20).ToListAsync();
            visits.ShouldNotBeEmpty();
            foreach (var v in visits)
            {
                (await Consents(ctx, db).CheckAsync(new ContactRequest(v.CustomerId, ContactChannel.Visit, ContactPurpose.Marketing, start)))!.Allowed.ShouldBeTrue();
            }

            // The demo's agent and call-center logins find the running campaign on their lists today.
            var logins = await ctx.Users.AsNoTracking().Where(u => u.UserName == "agent" || u.UserName == "callcenter").ToDictionaryAsync(u => u.UserName);
            var agentLogin = logins["agent"];
            var mine = await ctx.CampaignContacts.AsNoTracking().Where(x => x.CampaignId == running.Id && x.AgentId == agentLogin.AgentId)
                .GroupBy(x => new { x.Channel, x.State }).Select(g => new { g.Key.Channel, g.Key.State, Count = g.Count() }).ToListAsync();
            var members = await ctx.CampaignMembers.AsNoTracking().CountAsync(m => m.CampaignId == running.Id && m.AgentId == agentLogin.AgentId);
            output.WriteLine($"{provider}: demo agent's running members {members}, contacts " + string.Join(", ", mine.Select(x => $"{x.Channel}/{x.State} {x.Count}")));
            var lists = WorkLists(ctx, db);
            (await lists.AgentListAsync(new CrmUser(agentLogin.Id, "agent", Role.Agent, agentLogin.AgentId, agentLogin.BranchId, null, "test")))
                .ShouldContain(x => x.CampaignId == running.Id);
            (await lists.NextCallAsync(new CrmUser(logins["callcenter"].Id, "callcenter", Role.CallCenter, null, null, null, "test")))
                .ShouldNotBeNull().CampaignId.ShouldBe(running.Id);

            // The pilot's sales are priced by the value run (experience + current value), never at nothing.
            var pilotRevenue = await ctx.CampaignResponses.AsNoTracking().Where(r => r.CampaignId == pilot.Id).Select(r => r.Revenue).ToListAsync();
            pilotRevenue.ShouldNotBeEmpty();
            pilotRevenue.ShouldAllBe(r => r != 0);

            // The pilot's lessons state its measured result.
            var result = (await new CampaignResultsService(db.Database, new Core.Campaigns.Measurement.CampaignAttribution(db.Database, new CampaignsOptions(), Clock)).ResultsAsync(
                new CrmUser(1, "marketer", Role.Marketer, null, null, null, "test"), pilot.Id, ResultBreakdown.Total)).Value!;
            pilot.Lessons.ShouldNotBeNullOrWhiteSpace();
            pilot.Lessons.ShouldContain(result.Total.Comparison.Significant ? "유의하다" : "유의하지 않다");
            pilot.Lessons.ShouldContain($"({result.Total.Test.Responders:N0}/{result.Total.Test.Members:N0}명)");
            var t = result.Total;
            output.WriteLine($"{provider}: pilot test {t.Test.Responders}/{t.Test.Members} revenue {t.Test.Revenue:N0}, control {t.Control.Responders}/{t.Control.Members} revenue {t.Control.Revenue:N0}, "
                + $"incremental revenue {t.Comparison.IncrementalRevenue.Value:N0}, cost {t.Comparison.Cost:N0}, ROI {t.Comparison.Roi:N2}");
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

    private static CampaignWorkLists WorkLists(CrmDbContext ctx, TestDatabase db) =>
        new(ctx, Consents(ctx, db), CoreServices.Log(db, Clock), new CampaignsOptions(), Clock);

    private static async Task<int> EnsureAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var options = new CampaignsOptions();
        var demo = new DemoCampaigns(db.Database, Consents(ctx, db), new Core.Campaigns.Measurement.CampaignAttribution(db.Database, options, Clock),
            new CampaignResultsService(db.Database, new Core.Campaigns.Measurement.CampaignAttribution(db.Database, new CampaignsOptions(), Clock)), options, Clock, NullLogger<DemoCampaigns>.Instance);
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
