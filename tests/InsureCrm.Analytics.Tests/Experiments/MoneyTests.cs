using InsureCrm.Analytics.Experiments;

namespace InsureCrm.Analytics.Tests.Experiments;

public sealed class MoneyTests
{
    [Fact]
    public void Welch_KnownSummaries_GiveTheTextbookInterval()
    {
        // s₁²/n₁ + s₀²/n₀ = 400/100 + 900/100 = 13 → SE = √13; 95 %: 5 ± 1.959964·3.605551.
        var estimate = MeanDifference.Welch(new SampleSummary(25, 400, 100), new SampleSummary(20, 900, 100));

        estimate.Difference.ShouldBe(5);
        estimate.StandardError.ShouldBe(Math.Sqrt(13), 1e-12);
        estimate.Interval.Lower.ShouldBe(5 - 1.959963984540054 * Math.Sqrt(13), 1e-9);
        estimate.Interval.Upper.ShouldBe(5 + 1.959963984540054 * Math.Sqrt(13), 1e-9);
        estimate.Interval.ExcludesZero.ShouldBeFalse();
    }

    [Fact]
    public void SampleSummary_Values_GiveMeanAndSampleVariance()
    {
        var summary = SampleSummary.Of([2, 4, 4, 4, 5, 5, 7, 9]);

        summary.Mean.ShouldBe(5);
        summary.Variance.ShouldBe(32.0 / 7, 1e-12);
        summary.Count.ShouldBe(8);
    }

    [Fact]
    public void Interval_ScaledByMembers_GivesTheTotalsInterval()
    {
        new Interval(-2, 3).Scale(1000).ShouldBe(new Interval(-2000, 3000));
        new Interval(-2, 3).Scale(-1).ShouldBe(new Interval(-3, 2));
    }

    [Fact]
    public void BreakEvenLift_PlanOfSection6_PaysExactlyAtThatLift()
    {
        // A contact costs 30 + an offer of 10,000 per response; a response is worth 500,000; baseline 2 %.
        var lift = Roi.BreakEvenLift(30m, 0m, 10_000m, 0.02, 500_000m);

        lift.ShouldNotBeNull();
        lift.Value.ShouldBe((30 + 0.02 * 10_000) / 490_000.0, 1e-15);
        // At that lift, 1,000,000 contacts: incremental value = cost of contacts and of every responder's offer.
        const long k = 1_000_000;
        var cost = k * 30m + k * (decimal)(0.02 + lift.Value) * 10_000m;
        Roi.ExpectedProfit(k, lift.Value, 500_000m, cost).ShouldBe(0m, 1m);
    }

    [Fact]
    public void BreakEvenLift_ResponseWorthLessThanItsOffer_NeverBreaksEven() =>
        Roi.BreakEvenLift(30m, 0m, 10_000m, 0.02, 9_000m).ShouldBeNull();

    [Fact]
    public void Ratio_ProfitOverCost_AndNoneForAFreeCampaign()
    {
        Roi.Ratio(3_000_000m, 1_000_000m).ShouldBe(2.0);
        Roi.Ratio(500_000m, 1_000_000m).ShouldBe(-0.5);
        Roi.Ratio(500_000m, 0m).ShouldBeNull();
    }
}
