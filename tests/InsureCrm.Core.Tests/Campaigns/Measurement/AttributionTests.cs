using System.Globalization;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Campaigns.Measurement;

/// <summary>Responses of both arms within the window, followed through merges, without cancelled sales; a rerun replaces.</summary>
public sealed class AttributionTests
{
    private static readonly DateTime Now = new(2026, 5, 20, 1, 0, 0, DateTimeKind.Utc);

    private static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc);
    }

    /// <summary>A small book and one running campaign: 2026-03-02 … 2026-03-31, responses counted 30 more days (to 2026-04-30).</summary>
    private sealed class World(TestDatabase db)
    {
        private readonly Dictionary<ProductFamily, long> _products = [];
        public long CampaignId { get; private set; }

        public Core.Campaigns.Measurement.CampaignAttribution Attribution => new(db.Database, new CampaignsOptions(), new FixedClock(Now));

        public async Task CampaignAsync(CampaignObjective objective = CampaignObjective.NewContract, string families = "Health")
        {
            await using var ctx = db.CreateContext();
            var campaign = new Campaign
            {
                Code = "C-2026-001", Name = "건강 공백", Theme = "cross-sell", Objective = objective, ObjectiveFamilies = families,
                WindowDays = 30, OwnerUserId = 1, AuthorUserId = 1, State = CampaignState.Running, StartsOn = D("2026-03-02"),
                EndsOn = D("2026-03-31"), ControlShare = 0.2m, SplitSeed = 7, CreatedAt = Now, UpdatedAt = Now,
            };
            ctx.Campaigns.Add(campaign);
            await ctx.SaveChangesAsync();
            CampaignId = campaign.Id;
        }

        public async Task<long> CustomerAsync(long? mergedInto = null)
        {
            await using var ctx = db.CreateContext();
            var c = new Customer { Name = "Attribution test", NameScript = NameScript.Latin, CreatedAt = Now, UpdatedAt = Now, MergedIntoId = mergedInto };
            ctx.Customers.Add(c);
            await ctx.SaveChangesAsync();
            return c.Id;
        }

        public async Task<long> MemberAsync(CampaignArm arm, long? mergedInto = null)
        {
            var id = await CustomerAsync(mergedInto);
            await using var ctx = db.CreateContext();
            ctx.CampaignMembers.Add(new CampaignMember
            {
                CampaignId = CampaignId, CustomerId = id, Arm = arm, Stratum = "CrossSell/B", SplitHash = id,
                Exclusion = arm == CampaignArm.Excluded ? MemberExclusion.UniversalHoldout : null,
                PlannedChannel = CampaignChannelKind.Email,
            });
            await ctx.SaveChangesAsync();
            return id;
        }

        public async Task<long> IssueAsync(long customerId, string issued, ProductFamily family = ProductFamily.Health, string? cancelledOn = null)
        {
            await using var ctx = db.CreateContext();
            if (!_products.TryGetValue(family, out var productId))
            {
                var p = new Product { Code = "P" + family, Name = family.ToString(), Line = ProductLine.Life, Family = family };
                ctx.Products.Add(p);
                await ctx.SaveChangesAsync();
                _products[family] = productId = p.Id;
            }
            var contract = new Contract
            {
                ContractNumber = "C" + Guid.NewGuid().ToString("N")[..10], ProductId = productId, CustomerId = customerId,
                SumAssured = 50_000_000m, Premium = 100_000m, PaymentMode = PaymentMode.Monthly, IssueDate = D(issued),
                Status = cancelledOn is null ? ContractStatus.InForce : ContractStatus.Cancelled, StatusDate = D(cancelledOn ?? issued),
            };
            ctx.Contracts.Add(contract);
            await ctx.SaveChangesAsync();
            return contract.Id;
        }

        public async Task VisitAsync(long customerId, DateTime occurredAtUtc, InteractionOutcome outcome)
        {
            await using var ctx = db.CreateContext();
            ctx.Interactions.Add(new Interaction
            {
                CustomerId = customerId, OccurredAt = occurredAtUtc, Channel = InteractionChannel.Visit,
                Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.Sales, Outcome = outcome,
            });
            await ctx.SaveChangesAsync();
        }

        public async Task<List<CampaignResponse>> ResponsesAsync()
        {
            await using var ctx = db.CreateContext();
            return await ctx.CampaignResponses.AsNoTracking().Where(r => r.CampaignId == CampaignId).OrderBy(r => r.EventId).ToListAsync();
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_ContractsInAndOutOfWindow_CountsOnlyThoseInside(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        await world.CampaignAsync();
        var early = await world.MemberAsync(CampaignArm.Test);
        await world.IssueAsync(early, "2026-03-01");
        var first = await world.MemberAsync(CampaignArm.Test);
        var inside = await world.IssueAsync(first, "2026-03-02");
        var late = await world.MemberAsync(CampaignArm.Test);
        var lastDay = await world.IssueAsync(late, "2026-04-30");
        await world.IssueAsync(late, "2026-05-01");
        var otherFamily = await world.MemberAsync(CampaignArm.Test);
        await world.IssueAsync(otherFamily, "2026-03-10", ProductFamily.Auto);

        var result = await world.Attribution.RunAsync(world.CampaignId, D("2026-05-20"));

        result.IsOk.ShouldBeTrue();
        result.Value!.WindowEnd.ShouldBe(D("2026-04-30"));
        var responses = await world.ResponsesAsync();
        responses.Select(r => r.EventId).ShouldBe([inside, lastDay]);
        responses[0].Revenue.ShouldBe(1_200_000m); // 12 × the monthly premium, no value run yet
        responses[0].EventDate.ShouldBe(D("2026-03-02"));
        responses[0].Channel.ShouldBe(CampaignChannelKind.Email);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_AsOfBeforeWindowEnds_StopsAtAsOf(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        await world.CampaignAsync();
        var member = await world.MemberAsync(CampaignArm.Control);
        await world.IssueAsync(member, "2026-04-20");

        var before = await world.Attribution.RunAsync(world.CampaignId, D("2026-04-10"));
        var after = await world.Attribution.RunAsync(world.CampaignId, D("2026-04-20"));

        before.Value!.Responses.ShouldBe(0);
        after.Value!.Responses.ShouldBe(1);
        after.Value.RespondersControl.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_BothArms_AttributedToTheirArmButNeverExcluded(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        await world.CampaignAsync();
        var test = await world.MemberAsync(CampaignArm.Test);
        await world.IssueAsync(test, "2026-03-10");
        await world.IssueAsync(test, "2026-03-11");
        var control = await world.MemberAsync(CampaignArm.Control);
        await world.IssueAsync(control, "2026-03-12");
        var holdout = await world.MemberAsync(CampaignArm.Excluded);
        await world.IssueAsync(holdout, "2026-03-13");

        var summary = (await world.Attribution.RunAsync(world.CampaignId, D("2026-05-20"))).Value!;

        summary.Responses.ShouldBe(3);
        summary.RespondersTest.ShouldBe(1);
        summary.RespondersControl.ShouldBe(1);
        var responses = await world.ResponsesAsync();
        responses.Where(r => r.CustomerId == test).ShouldAllBe(r => r.Arm == CampaignArm.Test);
        responses.Single(r => r.CustomerId == control).Arm.ShouldBe(CampaignArm.Control);
        responses.ShouldNotContain(r => r.CustomerId == holdout);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_MergedMember_FollowedToSurvivorOnce(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        await world.CampaignAsync();
        var survivor = await world.CustomerAsync();
        await world.MemberAsync(CampaignArm.Test, mergedInto: survivor);
        var contract = await world.IssueAsync(survivor, "2026-03-20");
        // A second merged record of the same person, on the other arm: the event still counts once.
        var survivor2 = await world.MemberAsync(CampaignArm.Control);
        await world.MemberAsync(CampaignArm.Test, mergedInto: survivor2);
        var contract2 = await world.IssueAsync(survivor2, "2026-03-21");

        await world.Attribution.RunAsync(world.CampaignId, D("2026-05-20"));

        var responses = await world.ResponsesAsync();
        responses.Count.ShouldBe(2);
        responses.Single(r => r.EventId == contract).ShouldSatisfyAllConditions(
            r => r.CustomerId.ShouldBe(survivor),
            r => r.Arm.ShouldBe(CampaignArm.Test));
        responses.Single(r => r.EventId == contract2).ShouldSatisfyAllConditions(
            r => r.CustomerId.ShouldBe(survivor2),
            r => r.Arm.ShouldBe(CampaignArm.Control));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_ContractCancelledByAsOf_IsNotASale(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        await world.CampaignAsync();
        var member = await world.MemberAsync(CampaignArm.Test);
        await world.IssueAsync(member, "2026-03-15", cancelledOn: "2026-03-25");

        var beforeCancel = (await world.Attribution.RunAsync(world.CampaignId, D("2026-03-20"))).Value!;
        var afterCancel = (await world.Attribution.RunAsync(world.CampaignId, D("2026-04-01"))).Value!;

        beforeCancel.Responses.ShouldBe(1);
        afterCancel.Responses.ShouldBe(0);
        (await world.ResponsesAsync()).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_Rerun_ReplacesResponsesAndRecordsEachRun(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        await world.CampaignAsync();
        var test = await world.MemberAsync(CampaignArm.Test);
        await world.IssueAsync(test, "2026-03-10");
        var control = await world.MemberAsync(CampaignArm.Control);
        await world.IssueAsync(control, "2026-03-12");

        var first = (await world.Attribution.RunAsync(world.CampaignId, D("2026-05-20"))).Value!;
        var firstRows = await world.ResponsesAsync();
        var second = (await world.Attribution.RunAsync(world.CampaignId, D("2026-05-20"))).Value!;

        second.Responses.ShouldBe(first.Responses);
        (await world.ResponsesAsync()).Select(r => (r.EventId, r.Arm, r.Revenue)).ShouldBe(firstRows.Select(r => (r.EventId, r.Arm, r.Revenue)));
        await using var ctx = db.CreateContext();
        (await ctx.CampaignAttributions.CountAsync(a => a.CampaignId == world.CampaignId)).ShouldBe(2);
        (await ctx.CampaignEvents.CountAsync(e => e.CampaignId == world.CampaignId && e.Kind == CampaignEventKind.Attributed)).ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_VisitAccepted_CountsAcceptedVisitsOnTheirSeoulDay(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        await world.CampaignAsync(CampaignObjective.VisitAccepted, "");
        var member = await world.MemberAsync(CampaignArm.Test);
        // 2026-03-01 23:30 in Seoul is before the start; 2026-03-02 00:30 in Seoul is the first day (15:30 UTC the day before).
        await world.VisitAsync(member, new DateTime(2026, 3, 1, 14, 30, 0, DateTimeKind.Utc), InteractionOutcome.Completed);
        await world.VisitAsync(member, new DateTime(2026, 3, 1, 15, 30, 0, DateTimeKind.Utc), InteractionOutcome.Interested);
        await world.VisitAsync(member, new DateTime(2026, 3, 5, 3, 0, 0, DateTimeKind.Utc), InteractionOutcome.Refused);

        await world.Attribution.RunAsync(world.CampaignId, D("2026-05-20"));

        var response = (await world.ResponsesAsync()).ShouldHaveSingleItem();
        response.EventDate.ShouldBe(D("2026-03-02"));
        response.Revenue.ShouldBe(new CampaignsOptions().ResponseValue.VisitAccepted);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_DraftCampaignOrAsOfBeforeStart_IsRefusedAndWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        await world.CampaignAsync();

        var early = await world.Attribution.RunAsync(world.CampaignId, D("2026-03-01"));
        var missing = await world.Attribution.RunAsync(world.CampaignId + 100, D("2026-04-01"));

        early.Outcome.ShouldBe(CampaignOutcome.Invalid);
        early.Errors["asOf"].ShouldHaveSingleItem().ShouldContain("2026-03-01");
        missing.Outcome.ShouldBe(CampaignOutcome.NotFound);
        await using var ctx = db.CreateContext();
        (await ctx.CampaignAttributions.CountAsync()).ShouldBe(0);
    }
}
