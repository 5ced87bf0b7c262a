using InsureCrm.Analytics.Experiments;

namespace InsureCrm.Analytics.Tests.Experiments;

/// <summary>
/// Against values of Φ and Φ⁻¹ computed with CPython 3.11's <c>0.5·math.erfc(−z/√2)</c> (the C library's erfc) and
/// <c>statistics.NormalDist().inv_cdf</c> (Wichura's AS 241, accurate to about 1e-16), which agree with published tables
/// (Φ(1.96) = 0.9750021, z₀.₉₇₅ = 1.959964).
/// </summary>
public sealed class NormalTests
{
    [Theory]
    [InlineData(-8.0, 6.220960574271819e-16)]
    [InlineData(-5.0, 2.866515718791946e-07)]
    [InlineData(-1.96, 0.024997895148220435)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(0.0, 0.5)]
    [InlineData(0.5, 0.6914624612740131)]
    [InlineData(1.96, 0.9750021048517795)]
    [InlineData(3.0, 0.9986501019683699)]
    [InlineData(6.0, 0.9999999990134123)]
    public void Cdf_KnownPoints_MatchToRelative1e14(double z, double expected) =>
        Normal.Cdf(z).ShouldBe(expected, Math.Abs(expected) * 1e-14);

    [Theory]
    [InlineData(1e-12, -7.034483825301132)]
    [InlineData(1e-6, -4.753424308822899)]
    [InlineData(0.001, -3.090232306167813)]
    [InlineData(0.02425, -1.9729610513118845)]
    [InlineData(0.025, -1.9599639845400538)]
    [InlineData(0.2, -0.8416212335729142)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.8, 0.8416212335729144)]
    [InlineData(0.9, 1.2815515655446008)]
    [InlineData(0.975, 1.9599639845400536)]
    [InlineData(0.999, 3.090232306167813)]
    [InlineData(0.999999999, 5.997807019601638)]
    public void Quantile_KnownPoints_MatchTo1e13(double p, double expected) =>
        Normal.Quantile(p).ShouldBe(expected, 1e-13);

    [Fact]
    public void Quantile_ThenCdf_GivesTheProbabilityBack()
    {
        for (var p = 0.0005; p < 1; p += 0.0005)
        {
            Normal.Cdf(Normal.Quantile(p)).ShouldBe(p, 1e-14);
        }
    }

    [Fact]
    public void Quantile_BoundsAndOutside_AreInfiniteOrRefused()
    {
        Normal.Quantile(0).ShouldBe(double.NegativeInfinity);
        Normal.Quantile(1).ShouldBe(double.PositiveInfinity);
        Should.Throw<ArgumentOutOfRangeException>(() => Normal.Quantile(1.01));
        Should.Throw<ArgumentOutOfRangeException>(() => Normal.Quantile(double.NaN));
    }

    [Fact]
    public void TwoSidedCritical_FivePercent_Is1Point96() =>
        Normal.TwoSidedCritical(0.05).ShouldBe(1.959963984540054, 1e-13);
}
