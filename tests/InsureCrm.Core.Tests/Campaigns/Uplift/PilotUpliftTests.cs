using System.Globalization;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Uplift;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Tests.Synthetic;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Tests.Campaigns.Uplift;

/// <summary>
/// Learning uplift from a finished pilot and rolling it out on uplift, on a generated book whose pilot has the planted
/// effect (β × 3, strongest for customers with one active contract): the model is learnt from the pilot's arms, the
/// roll-out's top N by uplift carry more true uplift than the customers it leaves out, the sleeping dogs are counted,
/// and each chosen customer keeps the reasons of their uplift.
/// </summary>
public sealed class PilotUpliftTests
{
    private static readonly CrmUser Marketer = new(1, "marketer", Role.Marketer, null, null, null, "test");
    private static readonly CrmUser Approver = new(2, "admin", Role.Admin, null, null, null, "test");
    private static readonly CrmUser Agent = new(3, "agent", Role.Agent, 5, null, null, "test");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task LearnAndRollOut_PlantedPilot_TopNByUpliftCarriesMoreTrueUpliftThanTheRest(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        // The services' day is the one after the generated history ends (09:00 in Seoul), so the roll-out below is scored
        // on features from the history the pilot was learnt on, and falls in the book's holdout year (its salt planted).
        var clock = new EmailSendTests.Fixed(new DateTimeOffset(PlantedBook.AsOf.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero));
        await using var book = await PlantedBook.CreateAsync(db, 10_000, effectScale: 3.0, clock: clock);
        await using var scope = book.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var uplift = sp.GetRequiredService<IPilotUplift>();
        Campaign pilot, running;
        await using (var ctx = db.CreateContext())
        {
            pilot = await ctx.Campaigns.AsNoTracking().SingleAsync(c => c.Code == "C-SYN-001");
            running = await ctx.Campaigns.AsNoTracking().SingleAsync(c => c.State == CampaignState.Running);
        }

        // Not before its responses are attributed, never from a running campaign, and only for staff who plan campaigns.
        (await uplift.LearnAsync(Marketer, pilot.Id)).Message!.ShouldContain("no attributed responses");
        (await uplift.LearnAsync(Marketer, running.Id)).Message!.ShouldContain("Running");
        (await uplift.LearnAsync(Agent, pilot.Id)).Outcome.ShouldBe(CampaignOutcome.Forbidden);
        (await uplift.LatestAsync(Marketer, pilot.Id)).Value.ShouldBeNull();

        (await sp.GetRequiredService<IResponseAttribution>().AttributeAsync(Marketer, pilot.Id, PlantedBook.AsOf)).IsOk.ShouldBeTrue();
        var learnt = await uplift.LearnAsync(Marketer, pilot.Id);
        learnt.IsOk.ShouldBeTrue(learnt.Message);
        var model = learnt.Value!;
        var truth = book.Members.Where(m => m["campaign_id"] == pilot.Id.ToString(CultureInfo.InvariantCulture) && m["arm"] is "Test" or "Control").ToList();
        (model.Rows.Rows + model.Skipped).ShouldBe(truth.Count);
        model.Rows.Treated.ShouldBe(truth.Count(m => m["arm"] == "Test"));
        model.FeaturesAsOf.ShouldBe(pilot.StartsOn.AddDays(-1));
        model.Measures.ShouldNotBeNull();
        model.Measures!.Deciles.Count.ShouldBe(10);
        model.Measures.Candidates.Select(c => c.Algorithm).ShouldBe(["two-model", "class-transform", "uplift-tree", "uplift-forest"]);
        // auto keeps the first approach within one standard error of the best cross-validated Qini among those that rank
        // the reachable members (the uplift tree cannot split on this pilot's 101 reachable Control members, so its Qini
        // is the reach gate's alone); the model's own Qini is measured on the held-out members, which played no part.
        model.Measures.Candidates.ShouldContain(c => c.Algorithm == "uplift-tree" && !c.Ranks);
        var ranking = model.Measures.Candidates.Where(c => c.Ranks).ToList();
        var bestCandidate = ranking.MaxBy(c => c.Qini)!;
        model.Algorithm.ShouldBe(ranking.First(c => c.Qini >= bestCandidate.Qini - bestCandidate.Error!.Value).Algorithm);
        model.Qini!.Value.ShouldBe(model.Measures.Qini, 1e-12);
        model.Measures.Candidates.Single(c => c.Algorithm == model.Algorithm).Ranks.ShouldBeTrue();
        // Whether its order of the reachable held-out members beats random orders: a share of 999 draws, never 0.
        model.Measures.RandomOrderP!.Value.ShouldBeInRange(1 / 1000.0, 1);
        (await uplift.LatestAsync(Marketer, pilot.Id)).Value!.Version.ShouldBe(1);

        // The export carries each member's planned channel: plannedContact and one 0/1 column per channel kind.
        using var export = new MemoryStream();
        (await uplift.ExportAsync(Marketer, pilot.Id, export)).Value.ShouldBe(model.Rows.Rows);
        var lines = System.Text.Encoding.UTF8.GetString(export.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        header.ShouldContain("plannedContact");
        header.ShouldContain("plannedEmail");
        header.ShouldContain("plannedSms");
        Dictionary<long, CampaignChannelKind?> plannedOf;
        await using (var ctx = db.CreateContext())
        {
            plannedOf = await ctx.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == pilot.Id && (m.Arm == CampaignArm.Test || m.Arm == CampaignArm.Control))
                .ToDictionaryAsync(m => m.CustomerId, m => m.PlannedChannel);
        }
        plannedOf.Values.ShouldContain(c => c == null);
        plannedOf.Values.ShouldContain(c => c == CampaignChannelKind.Email);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var channel = plannedOf[long.Parse(cells[0], CultureInfo.InvariantCulture)];
            cells[Array.IndexOf(header, "plannedContact")].ShouldBe(channel is null ? "0" : "1");
            cells[Array.IndexOf(header, "plannedEmail")].ShouldBe(channel == CampaignChannelKind.Email ? "1" : "0");
            cells[Array.IndexOf(header, "plannedSms")].ShouldBe(channel == CampaignChannelKind.Sms ? "1" : "0");
        }

        // A member no channel could reach gets uplift 0 from the learnt model, and the reason says so.
        string artifact;
        await using (var ctx = db.CreateContext())
        {
            artifact = await ctx.Set<CampaignUpliftModel>().AsNoTracking().Where(m => m.CampaignId == pilot.Id).Select(m => m.Artifact).SingleAsync();
        }
        var learntModel = InsureCrm.Analytics.Uplift.UpliftModelJson.Read(artifact);
        var unreachable = lines.Skip(1).Select(l => l.Split(',')).First(c => c[Array.IndexOf(header, "plannedContact")] == "0");
        var row = learntModel.Features.Select(f => unreachable[Array.IndexOf(header, f.Name)] is { Length: > 0 } v ? double.Parse(v, CultureInfo.InvariantCulture) : double.NaN).ToArray();
        learntModel.Predict(row).ShouldBe(0);
        var why = learntModel.Explain(row).Top(1).Single();
        why.Name.ShouldBe("plannedContact");

        // Roll out on uplift: the top 120 of the pilot's rule (about a third of those reachable by e-mail or SMS), after the running campaign's window.
        var rule = (await sp.GetRequiredService<ICampaignLibrary>().GetAsync(Marketer, pilot.Id)).Value!.RuleDefinition!;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var planning = sp.GetRequiredService<ICampaignPlanning>();
        var refused = await planning.RollOutAsync(Marketer, pilot.Id, new RollOutDraft("확산", today.AddDays(10), today.AddDays(40), rule, UpliftTopN: 0));
        refused.Outcome.ShouldBe(CampaignOutcome.Invalid);
        refused.Errors.Keys.ShouldContain("upliftTopN");
        var created = await planning.RollOutAsync(Marketer, pilot.Id, new RollOutDraft("확산", today.AddDays(10), today.AddDays(40), rule, UpliftTopN: 120));
        created.IsOk.ShouldBeTrue(created.Message);
        var approved = await planning.ApproveAsync(Approver, created.Value!.Id, created.Value.Version);
        approved.IsOk.ShouldBeTrue(approved.Message);
        var split = await sp.GetRequiredService<ICampaignSplitter>().SplitAsync(Marketer, created.Value.Id);
        split.IsOk.ShouldBeTrue(split.Message);
        (split.Value!.Test + split.Value.Control).ShouldBeLessThanOrEqualTo(120);

        var targeting = (await uplift.TargetingAsync(created.Value.Id))!;
        targeting.PilotId.ShouldBe(pilot.Id);
        targeting.ModelRandomOrderP.ShouldBe(model.Measures.RandomOrderP, "the roll-out carries its model's random-order test, for the record page's warning");
        targeting.Scored.ShouldNotBeNull();
        List<CampaignMember> members;
        List<CampaignUpliftScore> scores;
        await using (var ctx = db.CreateContext())
        {
            members = await ctx.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == created.Value.Id).ToListAsync();
            scores = await ctx.Set<CampaignUpliftScore>().AsNoTracking().Where(s => s.CampaignId == created.Value.Id).ToListAsync();
        }
        var chosen = members.Where(m => m.Arm is CampaignArm.Test or CampaignArm.Control).Select(m => m.CustomerId).ToHashSet();
        chosen.Count.ShouldBe(Math.Min(120, targeting.Scored!.Value - targeting.Negative!.Value));
        members.Count(m => m.Exclusion == MemberExclusion.NegativeUplift).ShouldBe(targeting.Negative!.Value);
        members.Count(m => m.Exclusion == MemberExclusion.BelowUpliftCut).ShouldBe(targeting.BelowCut!.Value);
        var byCustomer = scores.ToDictionary(s => s.CustomerId);
        scores.Select(s => s.Uplift).Distinct().Count().ShouldBeGreaterThan(1, "top N by uplift ranks the customers; it is not a draw by the tie order");
        chosen.ShouldAllBe(id => byCustomer.ContainsKey(id) && byCustomer[id].Uplift >= 0);
        chosen.ShouldAllBe(id => byCustomer[id].Reasons.Contains("\"feature\"", StringComparison.Ordinal));
        members.Where(m => m.Exclusion == MemberExclusion.BelowUpliftCut && byCustomer.ContainsKey(m.CustomerId))
            .ShouldAllBe(m => byCustomer[m.CustomerId].Uplift <= chosen.Min(id => byCustomer[id].Uplift));
        targeting.ExpectedIncremental!.Value.ShouldBe(chosen.Sum(id => byCustomer[id].Uplift), 1e-6);
        var seen = (await uplift.TargetingAsync(created.Value.Id))!;
        var reasons = seen.Reasons;
        reasons.ShouldNotBeEmpty();
        reasons.ShouldAllBe(r => r.Members <= chosen.Count && r.Raising <= r.Members);
        seen.Chosen.Select(m => m.CustomerId).ShouldBe(scores.Where(s => chosen.Contains(s.CustomerId)).OrderBy(s => s.Rank).Take(20).Select(s => s.CustomerId));
        seen.Chosen.ShouldAllBe(m => m.Reasons.Count > 0);

        // The order is right: the pilot members the roll-out chose carry more true uplift than those it left out.
        var trueUplift = truth.ToDictionary(m => long.Parse(m["customer_id"], CultureInfo.InvariantCulture), m => PlantedBook.D(m, "true_uplift"));
        var inTruth = scores.Where(s => trueUplift.ContainsKey(s.CustomerId)).ToList();
        var mean = (IEnumerable<CampaignUpliftScore> xs) => xs.Average(s => trueUplift[s.CustomerId]);
        var chosenTruth = mean(inTruth.Where(s => chosen.Contains(s.CustomerId)));
        var restTruth = mean(inTruth.Where(s => !chosen.Contains(s.CustomerId)));
        chosenTruth.ShouldBeGreaterThan(restTruth, $"chosen {chosenTruth:F4} against the rest {restTruth:F4}");
    }

    [Fact]
    public void Unlearnable_ArmsThatCannotTeach_SayWhy()
    {
        PilotUplift.Unlearnable("C-1", new UpliftArms(500, 20, 0, 0))!.ShouldContain("no Control members");
        PilotUplift.Unlearnable("C-1", new UpliftArms(500, 20, 100, 0))!.ShouldContain("each arm needs responders");
        PilotUplift.Unlearnable("C-1", new UpliftArms(40, 5, 40, 3))!.ShouldContain("at least 100");
        PilotUplift.Unlearnable("C-1", new UpliftArms(500, 20, 100, 3)).ShouldBeNull();
    }
}
