using InsureCrm.Core.Orphans;

namespace InsureCrm.Tests.Orphans;

/// <summary>The retention comparison's arithmetic against hand-computed and published values.</summary>
public sealed class RetentionMathTests
{
    [Fact]
    public void Wilson_MatchesHandComputedLimits()
    {
        // 56/70: p = 0.8, centre (0.8 + 1.9208/70)/(1 + 3.8415/70) = 0.78445, half 1.96/1.05488·√(0.8·0.2/70 + 3.8415/19600) = 0.09256.
        var w = RetentionMath.Wilson(56, 70);
        w.Low.ShouldBe(0.69183, 0.00001);
        w.High.ShouldBe(0.87695, 0.00001);
        // 0 of 10: the interval still has width, from 0 to z²/(n + z²) = 3.8415/13.8415.
        var zero = RetentionMath.Wilson(0, 10);
        zero.Low.ShouldBe(0);
        zero.High.ShouldBe(0.27753, 0.00001);
        double.IsNaN(RetentionMath.Wilson(0, 0).Low).ShouldBeTrue();
    }

    [Fact]
    public void Compare_NewcombesPublishedExample_56of70Vs48of80()
    {
        // Newcombe (1998), Statistics in Medicine 17:873, example (a), method 10: +0.2000 (+0.0524 to +0.3339).
        var c = RetentionMath.Compare(new(56, 70), new(48, 80)).ShouldNotBeNull();
        c.Difference.ShouldBe(0.2, 1e-12);
        c.Ci.Low.ShouldBe(0.0524, 0.00005);
        c.Ci.High.ShouldBe(0.3339, 0.00005);
    }

    [Fact]
    public void Compare_SmallArmsStayInsideMinusOneToOne_AndAnEmptyArmGivesNothing()
    {
        var c = RetentionMath.Compare(new(10, 10), new(0, 10)).ShouldNotBeNull();
        c.Difference.ShouldBe(1);
        c.Ci.High.ShouldBeLessThanOrEqualTo(1);
        c.Ci.Low.ShouldBeGreaterThan(0.5);
        // Equal arms: the interval straddles 0 symmetrically.
        var same = RetentionMath.Compare(new(45, 50), new(45, 50)).ShouldNotBeNull();
        same.Ci.Low.ShouldBe(-same.Ci.High, 1e-12);
        RetentionMath.Compare(new(5, 10), new(0, 0)).ShouldBeNull();
    }

    [Fact]
    public void WaveDraw_SameSaltAndIdSameWave_ShareRoughlyKept()
    {
        var control = Enumerable.Range(1, 4000).Count(i => WaveDraw.IsControl("salt-a", i, 0.2));
        control.ShouldBeInRange(700, 900);
        Enumerable.Range(1, 200).All(i => WaveDraw.IsControl("salt-a", i, 0.2) == WaveDraw.IsControl("salt-a", i, 0.2)).ShouldBeTrue();
        // Another salt, another draw.
        Enumerable.Range(1, 200).Count(i => WaveDraw.IsControl("salt-a", i, 0.5) != WaveDraw.IsControl("salt-b", i, 0.5)).ShouldBeGreaterThan(50);
        Enumerable.Range(1, 200).Any(i => WaveDraw.IsControl("salt-a", i, 0)).ShouldBeFalse();
    }
}
