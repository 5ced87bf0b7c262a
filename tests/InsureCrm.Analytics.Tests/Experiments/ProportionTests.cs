using InsureCrm.Analytics.Experiments;

namespace InsureCrm.Analytics.Tests.Experiments;

/// <summary>
/// Wilson and Newcombe intervals against the worked examples of Newcombe (1998): "Two-sided confidence intervals for the
/// single proportion", Statistics in Medicine 17:857–872, Table I, method 3; and "Interval estimation for the difference
/// between independent proportions", Statistics in Medicine 17:873–890, Table II, method 10 — both to the 4 decimals printed.
/// </summary>
public sealed class ProportionTests
{
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Wilson_NewcombesExamples_MatchTheTable(long x, long n, double lower, double upper)
    {
        var ci = Proportion.Wilson(x, n);

        ci.Lower.ShouldBe(lower, 0.00005);
        ci.Upper.ShouldBe(upper, 0.00005);
    }

    [Fact]
    public void Wilson_AllOrNothing_StaysInsideZeroToOne()
    {
        Proportion.Wilson(0, 5).Lower.ShouldBe(0);
        Proportion.Wilson(5, 5).Upper.ShouldBe(1);
        Proportion.Wilson(5, 5).Lower.ShouldBeGreaterThan(0.5);
    }

    [Fact]
    public void Wilson_HigherConfidence_IsWider()
    {
        var ninety = Proportion.Wilson(30, 1000, 0.90);
        var ninetyNine = Proportion.Wilson(30, 1000, 0.99);

        ninetyNine.Lower.ShouldBeLessThan(ninety.Lower);
        ninetyNine.Upper.ShouldBeGreaterThan(ninety.Upper);
    }

    [Fact]
    public void Wilson_MoreSuccessesThanTrials_IsRefused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => Proportion.Wilson(11, 10));

    [Theory]
    [InlineData(56, 70, 48, 80, 0.0524, 0.3339)]
    [InlineData(9, 10, 3, 10, 0.1705, 0.8090)]
    [InlineData(5, 56, 0, 29, -0.0381, 0.1926)]
    [InlineData(0, 10, 0, 20, -0.1611, 0.2775)]
    [InlineData(10, 10, 0, 20, 0.6791, 1.0000)]
    public void DifferenceInterval_NewcombesExamples_MatchMethod10(long x1, long n1, long x0, long n0, double lower, double upper)
    {
        var ci = TwoProportion.DifferenceInterval(x1, n1, x0, n0);

        ci.Lower.ShouldBe(lower, 0.00005);
        ci.Upper.ShouldBe(upper, 0.00005);
    }

    [Fact]
    public void Test_NewcombesFirstExample_MatchesRsPropTestWithoutCorrection()
    {
        // R: prop.test(c(56, 48), c(70, 80), correct = FALSE) → X-squared = 7.0234, p-value = 0.008045.
        var test = TwoProportion.Test(56, 70, 48, 80);

        test.Difference.ShouldBe(0.2, 1e-12);
        (test.Z * test.Z).ShouldBe(7.023411371237463, 1e-9);
        test.PValue.ShouldBe(0.008045081368196568, 1e-12);
        test.IsSignificant(0.05).ShouldBeTrue();
        test.IsSignificant(0.005).ShouldBeFalse();
    }

    [Fact]
    public void Test_EqualRates_IsNotSignificant()
    {
        var test = TwoProportion.Test(50, 1000, 25, 500);

        test.Z.ShouldBe(0);
        test.PValue.ShouldBe(1, 1e-12);
        test.IsSignificant().ShouldBeFalse();
    }

    [Fact]
    public void Test_NoResponsesInEitherArm_HasNoEvidence()
    {
        var test = TwoProportion.Test(0, 100, 0, 100);

        test.PValue.ShouldBe(1);
        test.IsSignificant().ShouldBeFalse();
    }

    [Fact]
    public void Intervals_TwoThousandSeededExperiments_CoverTheTruthAbout95Percent()
    {
        // Campaign-like rates and unequal arms: test 1,000 at 6 %, control 500 at 4 %.
        var random = new Random(20261203);
        const int experiments = 2000;
        int wilsonCovers = 0, newcombeCovers = 0;
        for (var i = 0; i < experiments; i++)
        {
            var x1 = Binomial(random, 1000, 0.06);
            var x0 = Binomial(random, 500, 0.04);
            wilsonCovers += Proportion.Wilson(x1, 1000).Contains(0.06) ? 1 : 0;
            newcombeCovers += TwoProportion.DifferenceInterval(x1, 1000, x0, 500).Contains(0.02) ? 1 : 0;
        }

        ((double)wilsonCovers / experiments).ShouldBeInRange(0.935, 0.965);
        ((double)newcombeCovers / experiments).ShouldBeInRange(0.935, 0.965);
    }

    private static long Binomial(Random random, int n, double p)
    {
        var x = 0L;
        for (var i = 0; i < n; i++)
        {
            x += random.NextDouble() < p ? 1 : 0;
        }
        return x;
    }
}
