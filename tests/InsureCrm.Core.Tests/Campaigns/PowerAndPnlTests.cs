using System.Text.Json;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ExperimentPower = InsureCrm.Analytics.Experiments.Power;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>
/// The P&amp;L simulation and power plan of a campaign over a generated book: the power figures against textbook values,
/// profit consistent with its own fields, break-even, budget, assumed and scored baselines, the history entry.
/// </summary>
public sealed class PowerAndPnlTests
{
    private const string Everyone = """{"all":[{"field":"kind","op":"in","values":["Individual","Corporate"]}]}""";

    private static async Task<TestDatabase> BookAsync(DatabaseProvider provider)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(400, 31, null, new DateOnly(2026, 2, 28), ChunkSize: 400), null, CancellationToken.None);
        return db;
    }

    private static CampaignSimulation Simulation(TestDatabase db, SimulationOptions? simulation = null) =>
        new(db.Database, new CampaignsOptions(), simulation ?? new SimulationOptions(), Options.Create(new ValueOptions()), new FixedClock(CampaignPlanKit.Now));

    /// <summary>
    /// A draft over everyone: e-mail (2 won a contact, a gift of 5,000 won per response), SMS (30 won, a coupon of 100 won
    /// per contact) and DM (500 won).
    /// </summary>
    private static async Task<long> CampaignAsync(TestDatabase db, Func<CampaignDraft, CampaignDraft>? change = null)
    {
        var planning = CampaignPlanKit.Planning(db);
        var gift = (await planning.SaveOfferAsync(CampaignPlanKit.Author, null, null,
            new OfferDraft("GIFT-" + Guid.NewGuid().ToString("N")[..8], "우산", null, 5_000m, CostBasis.PerResponse))).Value.ShouldNotBeNull();
        var coupon = (await planning.SaveOfferAsync(CampaignPlanKit.Author, null, null,
            new OfferDraft("CPN-" + Guid.NewGuid().ToString("N")[..8], "쿠폰", null, 100m, CostBasis.PerContact))).Value.ShouldNotBeNull();
        var draft = CampaignPlanKit.Draft(Everyone) with
        {
            Channels =
            [
                new ChannelDraft(CampaignChannelKind.Email, 1, gift.Id, 2m),
                new ChannelDraft(CampaignChannelKind.Sms, 2, coupon.Id, 30m),
                new ChannelDraft(CampaignChannelKind.Dm, 3, null, 500m),
            ],
        };
        var created = await planning.CreateAsync(CampaignPlanKit.Author, change is null ? draft : change(draft));
        created.IsOk.ShouldBeTrue(string.Join("; ", created.Errors.Select(e => e.Key + ": " + string.Join(",", e.Value))));
        return created.Value!.Id;
    }

    private static async Task SetAsync(TestDatabase db, long id, double? lift = null, decimal? budget = null, bool clearBaseline = false)
    {
        await using var ctx = db.CreateContext();
        var campaign = await ctx.Campaigns.SingleAsync(c => c.Id == id);
        campaign.ExpectedLift = lift ?? campaign.ExpectedLift;
        campaign.Budget = budget ?? campaign.Budget;
        campaign.BaselineRate = clearBaseline ? null : campaign.BaselineRate;
        await ctx.SaveChangesAsync();
    }

    [Fact]
    public void Power_TwoProportion_MatchesTextbookValues()
    {
        // R's power.prop.test examples: n = 50 per arm, p = 0.50 vs 0.75 → power 0.740; power 0.90 → n = 76.7 per arm.
        // By hand: p̄ = 0.625, (0.25 − 1.95996·√(0.234375·0.04)) / √(0.4375/50) = 0.64388 → Φ = 0.7401.
        ExperimentPower.TwoProportion(0.5, 0.25, 50, 50).ShouldBe(0.7401659, 1e-5);
        // (1.959964·√(2·0.625·0.375) + 1.281552·√(0.25 + 0.1875))² / 0.25² = 76.707.
        ExperimentPower.SampleSize(0.5, 0.25, 0.05, 0.9).ShouldBe(76.707, 1e-3);
        // 2% baseline, 1 point lift, 80% power: (1.959964·√(2·0.025·0.975) + 0.841621·√(0.0196 + 0.0291))² / 0.0001 = 3,825.15.
        ExperimentPower.SampleSize(0.02, 0.01).ShouldBe(3825.15, 0.01);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_PowerPlan_SmallestShareOrTheListSizeNeeded(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var small = await CampaignAsync(db, d => d with { BaselineRate = 0.5, ExpectedLift = 0.25, Power = 0.9 });
        var large = await CampaignAsync(db, d => d with { BaselineRate = 0.3, ExpectedLift = 0.5, Power = 0.8 });

        var tooSmall = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, small)).Value.ShouldNotBeNull();
        var enough = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, large)).Value.ShouldNotBeNull();

        static double Reach(SimulationResult r) => (double)r.Channels.Sum(c => c.Contacts) / r.TestMembers;
        static double PowerAt(SimulationResult r, long n, double c) =>
            ExperimentPower.TwoProportion(r.BaselineRate, r.ExpectedLift, n * (1 - c) * Reach(r), n * c * Reach(r), r.Power.Alpha);

        // 25 points over 50% at 90% power need 76.7 reachable members per arm (the textbook value above): the book's
        // reachable few fall short even at half the list, so no share is offered and the list size that would do is shown.
        tooSmall.Power.Alpha.ShouldBe(0.05);
        tooSmall.Power.TargetPower.ShouldBe(0.9);
        tooSmall.Power.NeededPerArm.ShouldBe(76.707, 1e-3);
        tooSmall.Power.ControlShare.ShouldBeNull();
        tooSmall.Power.Power.ShouldBe(PowerAt(tooSmall, tooSmall.ListSize, 0.5), 1e-12);
        tooSmall.Power.Power.ShouldBeLessThan(0.9);
        tooSmall.Power.NeededListSize.ShouldBe((long)Math.Ceiling(76.70692845 / 0.5 / Reach(tooSmall)));
        PowerAt(tooSmall, tooSmall.Power.NeededListSize, 0.5).ShouldBeGreaterThanOrEqualTo(0.9 - 1e-9);
        // 50 points over 30% at 80%: the smallest share in hundredths that reaches it; one hundredth less does not.
        var share = enough.Power.ControlShare.ShouldNotBeNull();
        enough.Power.Power.ShouldBe(PowerAt(enough, enough.ListSize, share), 1e-12);
        enough.Power.Power.ShouldBeGreaterThanOrEqualTo(0.8);
        if (share > 0.05)
        {
            PowerAt(enough, enough.ListSize, share - 0.01).ShouldBeLessThan(0.8);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_SmallBook_ProfitIsIncrementalValueLessCost(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await CampaignAsync(db);

        var r = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();

        r.ListSize.ShouldBeGreaterThan(80);  // of 400: those with an address and the channel's consent in effect
        r.ListSize.ShouldBe(r.TestMembers + r.ControlMembers);
        r.ControlMembers.ShouldBe((long)Math.Round(r.ListSize * 0.1, MidpointRounding.AwayFromZero));
        r.Channels.Sum(c => c.Members).ShouldBe(r.TestMembers);
        var contacts = r.Channels.Sum(c => c.Contacts);
        contacts.ShouldBeGreaterThan(0);
        contacts.ShouldBeLessThanOrEqualTo(r.TestMembers);
        foreach (var c in r.Channels.Where(c => c.Members > 0))
        {
            c.ReachableShare.ShouldBe((double)c.Contacts / c.Members, 1e-12);
        }
        var email = r.Channels.Single(c => c.Channel == CampaignChannelKind.Email);
        var sms = r.Channels.Single(c => c.Channel == CampaignChannelKind.Sms);
        var dm = r.Channels.Single(c => c.Channel == CampaignChannelKind.Dm);
        email.ContactCost.ShouldBe(email.Contacts * 2m);
        email.OfferCost.ShouldBe(Math.Round((decimal)(email.Contacts * (0.02 + 0.01)) * 5_000m, 0, MidpointRounding.AwayFromZero));
        sms.ContactCost.ShouldBe(sms.Contacts * 30m);
        sms.OfferCost.ShouldBe(sms.Contacts * 100m);
        dm.ContactCost.ShouldBe(dm.Contacts * 500m);
        dm.OfferCost.ShouldBe(0m);

        r.BaselineRate.ShouldBe(0.02);
        r.ExpectedResponders.ShouldBe(contacts * 0.03, 1e-9);
        r.IncrementalResponders.ShouldBe(contacts * 0.01, 1e-9);
        r.Cost.ShouldBe(r.Channels.Sum(c => c.ContactCost + c.OfferCost));
        r.ValuePerResponse.ShouldBeGreaterThan(0m);
        Math.Abs(r.ExpectedProfit - ((decimal)r.IncrementalResponders * r.ValuePerResponse - r.Cost)).ShouldBeLessThanOrEqualTo(1m);
        r.Roi.ShouldNotBeNull().ShouldBe((double)(r.ExpectedProfit / r.Cost), 1e-9);
        r.BreakEvenRate.ShouldNotBeNull().ShouldBe(0.02 + r.BreakEvenLift.ShouldNotBeNull(), 1e-12);
        r.BelowBreakEven.ShouldBe(0.01 < r.BreakEvenLift.Value);
        (r.ExpectedProfit < 0).ShouldBe(r.BelowBreakEven);
        r.Currency.ShouldBe("KRW");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_AtBreakEvenLift_ProfitIsZero(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await CampaignAsync(db);
        var first = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();
        var breakEven = first.BreakEvenLift.ShouldNotBeNull();
        breakEven.ShouldBeGreaterThan(0);

        await SetAsync(db, id, lift: breakEven);
        var atBreakEven = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();
        await SetAsync(db, id, lift: breakEven * 1.5);
        var above = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();

        // Money is rounded to whole won per channel: zero within a won per channel and one for the value.
        Math.Abs(atBreakEven.ExpectedProfit).ShouldBeLessThanOrEqualTo(atBreakEven.Channels.Count + 1m);
        atBreakEven.BreakEvenLift.ShouldNotBeNull().ShouldBe(breakEven, 1e-12);
        above.ExpectedProfit.ShouldBeGreaterThan(0m);
        above.BelowBreakEven.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_CostOverBudget_Flagged(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await CampaignAsync(db);

        var roomy = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();
        await SetAsync(db, id, budget: roomy.Cost - 1m);
        var tight = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();

        roomy.Cost.ShouldBeLessThan(5_000_000m);
        roomy.OverBudget.ShouldBeFalse();
        tight.Cost.ShouldBe(roomy.Cost);
        tight.OverBudget.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_NoChampionScore_BaselineAssumed_PlanRateThenDefault(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await CampaignAsync(db);

        var planned = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();
        await SetAsync(db, id, clearBaseline: true);
        var defaulted = (await Simulation(db, new SimulationOptions { DefaultBaselineRate = 0.015 }).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();

        planned.BaselineAssumed.ShouldBeTrue();
        planned.BaselineRate.ShouldBe(0.02);
        defaulted.BaselineAssumed.ShouldBeTrue();
        defaulted.BaselineRate.ShouldBe(0.015);
        // No value run in this book: the value of a response is 12 monthly premiums, and said to be assumed.
        planned.ValueAssumed.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_ChampionScores_BaselineIsTheListsMeanScore(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        // Health and Cancer are both families of purchase-health: its champion's newest run scores the list.
        var id = await CampaignAsync(db);
        double expected;
        await using (var ctx = db.CreateContext())
        {
            var version = new ModelVersion
            {
                Name = "purchase-health", Version = 1, Algorithm = "logistic", Cutoff = new DateOnly(2026, 1, 31), WindowMonths = 3,
                Status = ModelStatus.Champion, TrainedBy = "analyst", TrainedAt = CampaignPlanKit.Now.UtcDateTime, Artifact = "{}",
            };
            ctx.Add(version);
            await ctx.SaveChangesAsync();
            var run = new ModelScoreRun
            {
                ModelVersionId = version.Id, RunDate = new DateOnly(2026, 2, 28), StartedAt = CampaignPlanKit.Now.UtcDateTime,
                FinishedAt = CampaignPlanKit.Now.UtcDateTime, Status = ModelScoreRunStatus.Completed,
            };
            ctx.Add(run);
            await ctx.SaveChangesAsync();
            var erased = await ctx.Set<CustomerErasure>().Select(e => e.CustomerId).ToListAsync();
            var ids = await ctx.Customers.Where(c => c.MergedIntoId == null && !erased.Contains(c.Id)).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync();
            // Every third customer ineligible with a score that would drag the mean up if it were counted.
            var scores = ids.Select((c, i) => new CustomerModelScore { RunId = run.Id, CustomerId = c, Eligible = i % 3 != 0, Score = i % 3 == 0 ? 0.9 : 0.01 + (i % 7) / 100.0 }).ToList();
            ctx.AddRange(scores);
            await ctx.SaveChangesAsync();
            expected = scores.Where(s => s.Eligible).Average(s => s.Score);
        }

        var result = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();

        result.BaselineAssumed.ShouldBeFalse();
        // Before a split the list is the rule's customers (here every live one): the mean of their eligible scores.
        result.BaselineRate.ShouldBe(expected, 1e-9);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_AfterValueRun_ValueIsTheEnginesNewBusinessValueAtTheMedianPremium(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var summary = await new ValueRunner(db.Database, Options.Create(new ValueOptions()), TimeProvider.System, NullLogger<ValueRunner>.Instance)
            .RunAsync(new DateOnly(2026, 2, 28), CancellationToken.None);
        var id = await CampaignAsync(db);
        decimal expected, annualised;
        await using (var ctx = db.CreateContext())
        {
            var run = await ctx.Set<ValueRun>().AsNoTracking().SingleAsync(r => r.Id == summary.RunId);
            var calculator = new ValueCalculator(new ValueOptions(), PersistencyCurves.FromJson(run.Curves!), new DateOnly(2026, 3, 2));
            var contracts = await (from k in ctx.Contracts
                                   join p in ctx.Products on k.ProductId equals p.Id
                                   where k.PaymentMode == PaymentMode.Monthly
                                       && (k.Status == ContractStatus.InForce || k.Status == ContractStatus.Reinstated || k.Status == ContractStatus.PaidUp)
                                       && (p.Family == ProductFamily.Health || p.Family == ProductFamily.Cancer)
                                   select new { k.Id, p.Family, k.Premium, k.SumAssured }).ToListAsync();
            var families = contracts.GroupBy(k => k.Family).Select(g =>
            {
                var median = g.OrderBy(k => k.Premium).ThenBy(k => k.Id).ElementAt((g.Count() - 1) / 2);
                var value = calculator.Contract(new ContractFacts(0, 0, g.Key, PaymentMode.Monthly, median.Premium, median.SumAssured,
                    new DateOnly(2026, 3, 2), null, ContractStatus.InForce, new DateOnly(2026, 3, 2), [], 0m));
                return (Count: g.Count(), Value: value.Experience + value.Current, Annual: 12 * median.Premium);
            }).ToList();
            families.Count.ShouldBe(2);
            expected = Math.Round(families.Sum(f => f.Count * f.Value) / families.Sum(f => f.Count), 0, MidpointRounding.AwayFromZero);
            annualised = Math.Round(families.Sum(f => f.Count * f.Annual) / families.Sum(f => f.Count), 0, MidpointRounding.AwayFromZero);
        }

        var result = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();

        result.ValueAssumed.ShouldBeFalse();
        result.ValuePerResponse.ShouldBe(expected);
        result.ValuePerResponse.ShouldNotBe(annualised);
        Math.Abs(result.ExpectedProfit - ((decimal)result.IncrementalResponders * result.ValuePerResponse - result.Cost)).ShouldBeLessThanOrEqualTo(1m);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_WritesSimulatedEntryWithTheFigures_AndReadsTheSplitOnceThere(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await CampaignAsync(db);
        await using (var setup = db.CreateContext())
        {
            // The year's holdout drawn first, so that the simulation before the split and the split see the same one.
            await UniversalHoldout.EnsureYearAsync(setup, 2026, 0.05m, 99, "test", CampaignPlanKit.Now.UtcDateTime);
        }
        var planned = (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();
        var version = (await CampaignPlanKit.Library(db).GetAsync(CampaignPlanKit.Author, id)).Value!.Summary.Version;
        (await CampaignPlanKit.Planning(db).ApproveAsync(CampaignPlanKit.Colleague, id, version)).IsOk.ShouldBeTrue();
        var split = (await new CampaignSplitter(db.Database, new CampaignsOptions(), new FixedClock(CampaignPlanKit.Now)).SplitAsync(CampaignPlanKit.Author, id))
            .Value.ShouldNotBeNull();

        var after = (await Simulation(db).SimulateAsync(CampaignPlanKit.Colleague, id)).Value.ShouldNotBeNull();

        // Before the split the simulation planned the same split (same seed, same day, no other campaign).
        planned.TestMembers.ShouldBe(split.Test);
        planned.ControlMembers.ShouldBe(split.Control);
        after.TestMembers.ShouldBe(split.Test);
        after.ControlMembers.ShouldBe(split.Control);
        after.Channels.Select(c => c.Contacts).ShouldBe(planned.Channels.Select(c => c.Contacts));
        await using var ctx = db.CreateContext();
        var entries = await ctx.CampaignEvents.AsNoTracking().Where(e => e.CampaignId == id && e.Kind == CampaignEventKind.Simulated).OrderBy(e => e.Id).ToListAsync();
        entries.Count.ShouldBe(2);
        entries[1].UserName.ShouldBe(CampaignPlanKit.Colleague.UserName);
        using var detail = JsonDocument.Parse(entries[1].Detail);
        detail.RootElement.GetProperty("expectedProfit").GetDecimal().ShouldBe(after.ExpectedProfit);
        detail.RootElement.GetProperty("cost").GetDecimal().ShouldBe(after.Cost);
        detail.RootElement.GetProperty("power").GetProperty("neededPerArm").GetDouble().ShouldBe(after.Power.NeededPerArm, 1e-9);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SimulateAsync_UnknownCampaign_NotFound_NoViewRight_Forbidden(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        (await Simulation(db).SimulateAsync(CampaignPlanKit.Author, 404)).Outcome.ShouldBe(CampaignOutcome.NotFound);
        (await Simulation(db).SimulateAsync(CampaignPlanKit.Agent, 404)).Outcome.ShouldBe(CampaignOutcome.Forbidden);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
