using InsureCrm.Core.Campaigns.Planning;

namespace InsureCrm.Core.Tests.Campaigns.Planning;

public sealed class SplitHashTests
{
    [Fact]
    public void Of_SeedTimesGoldenRatio_IsSplitMix64sPublishedSequence()
    {
        // SplitMix64 started at state 0 (Steele, Lea & Flood 2014; the reference code at prng.di.unimi.it/splitmix64.c)
        // outputs the finaliser of 1·φ, 2·φ, 3·φ …: with id 0 the hash of seed k is its k-th output.
        SplitHash.Of(1, 0).ShouldBe(0xE220A8397B1DCDAFUL);
        SplitHash.Of(2, 0).ShouldBe(0x6E789E6AA1B965F4UL);
        SplitHash.Of(3, 0).ShouldBe(0x06C45D188009454FUL);
    }

    [Fact]
    public void Of_SameSeedAndId_IsTheSameEveryTime_OtherSeedDiffers()
    {
        var ids = Enumerable.Range(1, 10_000).Select(i => (long)i).ToList();

        var first = ids.Select(id => SplitHash.Of(42, id)).ToList();
        var again = ids.Select(id => SplitHash.Of(42, id)).ToList();
        var other = ids.Select(id => SplitHash.Of(43, id)).ToList();

        again.ShouldBe(first);
        first.Zip(other).Count(p => p.First == p.Second).ShouldBe(0);
        first.Distinct().Count().ShouldBe(ids.Count);
    }

    [Fact]
    public void Unit_ConsecutiveIds_AreUniformOverTenBins()
    {
        const int n = 100_000;
        var bins = new int[10];
        for (long id = 1; id <= n; id++)
        {
            var u = SplitHash.Unit(7, id);
            u.ShouldBeInRange(0.0, 0.9999999999999999);
            bins[(int)(u * 10)]++;
        }

        // Chi-square with 9 degrees of freedom: 21.67 is its 99th percentile.
        var chiSquare = bins.Sum(b => Math.Pow(b - (n / 10.0), 2) / (n / 10.0));
        chiSquare.ShouldBeLessThan(21.67);
    }

    [Fact]
    public void Unit_TwoSeeds_AreUncorrelated()
    {
        var pairs = Enumerable.Range(1, 50_000).Select(i => (A: SplitHash.Unit(11, i), B: SplitHash.Unit(12, i))).ToList();
        var meanA = pairs.Average(p => p.A);
        var meanB = pairs.Average(p => p.B);

        var covariance = pairs.Average(p => (p.A - meanA) * (p.B - meanB));
        var correlation = covariance / Math.Sqrt(pairs.Average(p => Math.Pow(p.A - meanA, 2)) * pairs.Average(p => Math.Pow(p.B - meanB, 2)));

        // Independent: the standard error of r is 1/√50,000 ≈ 0.0045.
        Math.Abs(correlation).ShouldBeLessThan(0.02);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void IsBelow_ManyIds_SelectsTheShareAndKeepsSmallerSharesInside(double share)
    {
        const int n = 200_000;
        var selected = 0;
        for (long id = 1; id <= n; id++)
        {
            var isIn = SplitHash.IsBelow(99, id, share);
            selected += isIn ? 1 : 0;
            if (SplitHash.IsBelow(99, id, share / 2))
            {
                isIn.ShouldBeTrue("a smaller share selects a subset");
            }
        }

        var sd = Math.Sqrt(share * (1 - share) / n);
        ((double)selected / n).ShouldBe(share, 5 * sd);
    }

    [Fact]
    public void IsBelow_ShareZeroAndOne_SelectNoneAndAll()
    {
        Enumerable.Range(1, 1000).Any(i => SplitHash.IsBelow(5, i, 0)).ShouldBeFalse();
        Enumerable.Range(1, 1000).All(i => SplitHash.IsBelow(5, i, 1)).ShouldBeTrue();
    }

    [Fact]
    public void Key_IsNonNegativeAndSortsLikeTheHash()
    {
        var ids = Enumerable.Range(1, 5_000).Select(i => (long)i).ToList();

        ids.All(id => SplitHash.Key(3, id) >= 0).ShouldBeTrue();
        ids.OrderBy(id => SplitHash.Key(3, id)).ThenBy(id => id)
            .ShouldBe(ids.OrderBy(id => SplitHash.Of(3, id)).ThenBy(id => id));
    }

    [Fact]
    public void Of_NegativeSeedAndLargeIds_AreDefined()
    {
        SplitHash.Of(-1, long.MaxValue).ShouldBe(SplitHash.Of(-1, long.MaxValue));
        SplitHash.Of(long.MinValue, 1).ShouldNotBe(SplitHash.Of(long.MinValue, 2));
    }
}
