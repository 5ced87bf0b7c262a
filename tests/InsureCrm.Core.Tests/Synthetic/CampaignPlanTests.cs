using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Synthetic;

namespace InsureCrm.Core.Tests.Synthetic;

/// <summary>The planted campaigns' plan, assignment and truth (the pure functions the generator plants with; PlantedCampaignsTests covers the planting).</summary>
public sealed class CampaignPlanTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);

    [Fact]
    public void For_AsOf_PilotClosesBeforeItsRollOutAndTheThirdRunsToday()
    {
        var plan = CampaignPlan.For(AsOf);

        plan.Select(c => c.State).ShouldBe([CampaignState.Closed, CampaignState.Closed, CampaignState.Running]);
        var (pilot, rollOut, running) = (plan[0], plan[1], plan[2]);
        rollOut.ParentKey.ShouldBe(pilot.Key);
        pilot.EndsOn.AddDays(pilot.WindowDays).ShouldBeLessThan(rollOut.StartsOn);
        rollOut.EndsOn.AddDays(rollOut.WindowDays).ShouldBeLessThan(AsOf);
        running.StartsOn.ShouldBe(AsOf.AddDays(-20));
        running.EndsOn.ShouldBeGreaterThan(AsOf);
        plan.Select(c => c.Code).Distinct().Count().ShouldBe(3);
    }

    [Theory]
    [InlineData(true, 30, 1, false, true)]
    [InlineData(true, 59, 3, false, true)]
    [InlineData(true, 29, 1, false, false)]
    [InlineData(true, 60, 1, false, false)]
    [InlineData(true, 40, 0, false, false)]
    [InlineData(true, 40, 2, true, false)]
    [InlineData(false, 40, 2, false, false)]
    public void Eligible_TheHealthGapRule_SelectsAdultsWithContractsButNoHealthCover(bool person, int age, int holdings, bool holdsHealth, bool expected) =>
        CampaignPlan.Eligible(person, age, holdings, holdsHealth).ShouldBe(expected);

    [Fact]
    public void Assign_ManyCustomers_HoldoutAndControlNearTheirSharesAndReproducible()
    {
        var pilot = CampaignPlan.For(AsOf)[0];
        var arms = Enumerable.Range(1, 40_000).Select(id => CampaignPlan.Assign(pilot, 7, 12345, 0.05m, id)).ToList();
        var again = Enumerable.Range(1, 40_000).Select(id => CampaignPlan.Assign(pilot, 7, 12345, 0.05m, id)).ToList();
        var otherSeed = Enumerable.Range(1, 40_000).Select(id => CampaignPlan.Assign(pilot, 8, 12345, 0.05m, id)).ToList();

        var holdout = arms.Count(a => a == PlantedArm.Holdout) / 40_000.0;
        var control = arms.Count(a => a == PlantedArm.Control) / (double)arms.Count(a => a != PlantedArm.Holdout);
        holdout.ShouldBe(0.05, 0.006);
        control.ShouldBe(0.2, 0.01);
        again.ShouldBe(arms);
        otherSeed.Zip(arms).Count(p => p.First != p.Second).ShouldBeGreaterThan(1_000);
        // The holdout is the year's, not the campaign's: the same customers whatever the campaign or seed.
        otherSeed.Zip(arms).ShouldAllBe(p => (p.First == PlantedArm.Holdout) == (p.Second == PlantedArm.Holdout));
    }

    [Fact]
    public void Truth_PlantedBetas_FewerHoldingsGainMoreAndUnreachedGainNothing()
    {
        var w = CampaignPlan.For(AsOf)[0].WindowMonths;
        int[] holdings = [1, 2, 3, 4, 6];
        var uplift = holdings.Select(h => CampaignPlan.Truth(0.01, HiddenModel.CampaignUplift(HiddenModel.CampaignStratum(h)), w, reachable: true).TrueUplift).ToList();

        uplift[0].ShouldBeGreaterThan(uplift[1]);
        uplift[1].ShouldBe(uplift[2]);
        uplift[2].ShouldBeGreaterThan(uplift[3]);
        uplift[3].ShouldBe(uplift[4]);
        uplift[3].ShouldBeGreaterThan(0);
        var (p0, p1, none) = CampaignPlan.Truth(0.01, 1.0, w, reachable: false);
        none.ShouldBe(0);
        p1.ShouldBeGreaterThan(p0);
        p0.ShouldBe(1 - Math.Exp(-0.01 * w), 1e-12);
        Should.Throw<ArgumentOutOfRangeException>(() => HiddenModel.CampaignUplift("5+")).Message.ShouldContain("5+");
    }
}
