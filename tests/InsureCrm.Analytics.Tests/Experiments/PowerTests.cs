using InsureCrm.Analytics.Experiments;

namespace InsureCrm.Analytics.Tests.Experiments;

/// <summary>
/// Power and sample size against the examples of R's <c>?power.prop.test</c> (stats 4.x): n = 50, p = 0.50 vs 0.75 →
/// power = 0.7401659; power 0.90 for 0.50 vs 0.75 → n = 76.7 per group.
/// </summary>
public sealed class PowerTests
{
    [Fact]
    public void TwoProportion_RsExample_Is0Point740()
    {
        Power.TwoProportion(0.50, 0.25, 50, 50).ShouldBe(0.7401659, 5e-8);
    }

    [Fact]
    public void SampleSize_RsExample_Is76Point7PerArm()
    {
        var n = Power.SampleSize(0.50, 0.25, alpha: 0.05, power: 0.90);

        n.ShouldBe(76.7, 0.05);
        // And at that n the power is exactly what was asked for.
        Power.TwoProportion(0.50, 0.25, n, n).ShouldBe(0.90, 1e-9);
    }

    [Fact]
    public void SampleSize_SmallCampaignLift_NeedsTensOfThousands()
    {
        // 2 % baseline, +0.5 point: the classic reason pilots need big lists.
        var n = Power.SampleSize(0.02, 0.005, 0.05, 0.8);

        n.ShouldBeInRange(13_000, 14_500);
        Power.TwoProportion(0.02, 0.005, n, n).ShouldBe(0.8, 1e-9);
    }

    [Fact]
    public void TwoProportion_UnequalArms_LosesPowerAgainstEqualArmsOfTheSameTotal()
    {
        var equal = Power.TwoProportion(0.05, 0.01, 10_000, 10_000);
        var unequal = Power.TwoProportion(0.05, 0.01, 18_000, 2_000);

        unequal.ShouldBeLessThan(equal);
    }

    [Fact]
    public void ControlShare_BigList_TakesTheSmallestShareThatReachesThePower()
    {
        var choice = Power.ControlShare(200_000, 0.03, 0.01, reachableShare: 0.6);

        choice.ControlShare.ShouldNotBeNull();
        var c = choice.ControlShare.Value;
        choice.Power.ShouldBeGreaterThanOrEqualTo(0.8);
        Power.TwoProportion(0.03, 0.01, 200_000 * (1 - c) * 0.6, 200_000 * c * 0.6).ShouldBe(choice.Power, 1e-12);
        if (c > 0.05)
        {
            var smaller = c - 0.01;
            Power.TwoProportion(0.03, 0.01, 200_000 * (1 - smaller) * 0.6, 200_000 * smaller * 0.6).ShouldBeLessThan(0.8);
        }
    }

    [Fact]
    public void ControlShare_ListTooSmall_SaysSoAndNamesTheListSizeNeeded()
    {
        var choice = Power.ControlShare(2_000, 0.02, 0.005);

        choice.ControlShare.ShouldBeNull();
        choice.Power.ShouldBeLessThan(0.8);
        choice.NeededPerArm.ShouldBe(Power.SampleSize(0.02, 0.005), 1e-9);
        // At the needed size, half the list as control reaches the power.
        Power.TwoProportion(0.02, 0.005, choice.NeededListSize * 0.5, choice.NeededListSize * 0.5).ShouldBeGreaterThanOrEqualTo(0.8);
        Power.ControlShare(choice.NeededListSize, 0.02, 0.005).ControlShare.ShouldBe(0.5);
    }

    [Fact]
    public void SampleSize_RateOutsideZeroToOne_IsRefused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Power.SampleSize(0.99, 0.02));
        Should.Throw<ArgumentOutOfRangeException>(() => Power.SampleSize(0.05, 0));
    }
}
