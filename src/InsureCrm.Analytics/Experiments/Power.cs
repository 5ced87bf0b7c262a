namespace InsureCrm.Analytics.Experiments;

/// <summary>
/// The smallest control share that gives a campaign its planned power, or, when even half the list is not enough, the
/// list size that would be.
/// </summary>
/// <param name="ControlShare">The chosen share, or null when no share up to the maximum reaches the power.</param>
/// <param name="Power">The power at the chosen share (at the maximum share when none suffices).</param>
/// <param name="NeededPerArm">Reachable members per arm that equal arms would need (<see cref="Power.SampleSize"/>).</param>
/// <param name="NeededListSize">The list size at which the maximum share would reach the power.</param>
public sealed record ControlShareChoice(double? ControlShare, double Power, double NeededPerArm, long NeededListSize);

/// <summary>Power and sample size of the two-sided pooled two-proportion z-test (<see cref="TwoProportion.Test"/>).</summary>
public static class Power
{
    /// <summary>
    /// The probability that the test at level <paramref name="alpha"/> detects a true lift <paramref name="lift"/> over
    /// <paramref name="baselineRate"/>: Φ((|Δ| − z₁₋α/₂·√(p̄q̄(1/n_T + 1/n_C))) / √(p₁q₁/n_T + p₀q₀/n_C)), p̄ the pooled
    /// rate. With equal arms it is R's <c>power.prop.test</c> (strict = FALSE).
    /// </summary>
    /// <param name="baselineRate">p₀, the control arm's response rate, in (0, 1).</param>
    /// <param name="lift">Δ = p₁ − p₀; p₁ must lie in (0, 1).</param>
    /// <param name="trialsTest">n_T, members of the test arm (reachable ones, when only they can respond to the contact).</param>
    /// <param name="trialsControl">n_C, members of the control arm.</param>
    /// <param name="alpha">The two-sided significance level.</param>
    /// <returns>The power, in [0, 1].</returns>
    public static double TwoProportion(double baselineRate, double lift, double trialsTest, double trialsControl, double alpha = 0.05)
    {
        var (p0, p1) = Rates(baselineRate, lift);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trialsTest);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trialsControl);
        var pooled = (trialsTest * p1 + trialsControl * p0) / (trialsTest + trialsControl);
        var z = Normal.TwoSidedCritical(alpha);
        var numerator = Math.Abs(lift) - z * Math.Sqrt(pooled * (1 - pooled) * (1 / trialsTest + 1 / trialsControl));
        var denominator = Math.Sqrt(p1 * (1 - p1) / trialsTest + p0 * (1 - p0) / trialsControl);
        return Normal.Cdf(numerator / denominator);
    }

    /// <summary>
    /// Members per arm (equal arms) for power <paramref name="power"/>: n = (z₁₋α/₂·√(2p̄q̄) + z₁₋β·√(p₀q₀ + p₁q₁))² / Δ²,
    /// p̄ = (p₀ + p₁)/2; not rounded (round up to plan). R's <c>power.prop.test(p1, p2, power)</c> solves the same equation.
    /// </summary>
    /// <param name="baselineRate">p₀, in (0, 1).</param>
    /// <param name="lift">Δ, non-zero; p₀ + Δ in (0, 1).</param>
    /// <param name="alpha">The two-sided significance level.</param>
    /// <param name="power">The power 1 − β, in (0, 1).</param>
    /// <returns>Members per arm.</returns>
    public static double SampleSize(double baselineRate, double lift, double alpha = 0.05, double power = 0.8)
    {
        var (p0, p1) = Rates(baselineRate, lift);
        if (lift == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lift), lift, "No sample detects a lift of 0.");
        }
        if (!(power > 0 && power < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(power), power, "Power lies strictly between 0 and 1.");
        }
        var pBar = (p0 + p1) / 2;
        var za = Normal.TwoSidedCritical(alpha);
        var zb = Normal.Quantile(power);
        var root = za * Math.Sqrt(2 * pBar * (1 - pBar)) + zb * Math.Sqrt(p0 * (1 - p0) + p1 * (1 - p1));
        return root * root / (lift * lift);
    }

    /// <summary>
    /// The smallest control share c ∈ {<paramref name="minShare"/>, +0.01, …, <paramref name="maxShare"/>} at which a list
    /// of <paramref name="listSize"/> reaches <paramref name="power"/>, with n_T = N(1−c)·r and n_C = N·c·r
    /// (r = <paramref name="reachableShare"/>).
    /// </summary>
    /// <param name="listSize">N, the list's members after exclusions.</param>
    /// <param name="baselineRate">p₀, in (0, 1).</param>
    /// <param name="lift">Δ, non-zero.</param>
    /// <param name="reachableShare">r, the share of members the campaign can reach, in (0, 1].</param>
    /// <param name="alpha">The two-sided significance level.</param>
    /// <param name="power">The planned power.</param>
    /// <param name="minShare">The smallest share considered (hundredths).</param>
    /// <param name="maxShare">The largest share considered (hundredths), at most 0.5.</param>
    /// <returns>The choice, or null share with the list size that would do.</returns>
    public static ControlShareChoice ControlShare(
        long listSize, double baselineRate, double lift, double reachableShare = 1, double alpha = 0.05, double power = 0.8,
        double minShare = 0.05, double maxShare = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(listSize);
        if (!(reachableShare > 0 && reachableShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(reachableShare), reachableShare, "The reachable share lies in (0, 1].");
        }
        var from = (int)Math.Round(minShare * 100);
        var to = (int)Math.Round(maxShare * 100);
        if (from < 1 || to > 50 || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(minShare), "Shares run from 0.01 to 0.5, the smallest first.");
        }
        var perArm = SampleSize(baselineRate, lift, alpha, power);
        var neededList = (long)Math.Ceiling(perArm / (to / 100.0) / reachableShare);
        var achieved = 0.0;
        for (var k = from; k <= to; k++)
        {
            var c = k / 100.0;
            var nT = listSize * (1 - c) * reachableShare;
            var nC = listSize * c * reachableShare;
            achieved = nT > 0 && nC > 0 ? TwoProportion(baselineRate, lift, nT, nC, alpha) : 0;
            if (achieved >= power)
            {
                return new ControlShareChoice(c, achieved, perArm, neededList);
            }
        }
        return new ControlShareChoice(null, achieved, perArm, neededList);
    }

    private static (double P0, double P1) Rates(double baselineRate, double lift)
    {
        if (!(baselineRate > 0 && baselineRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(baselineRate), baselineRate, "The baseline rate lies strictly between 0 and 1.");
        }
        var p1 = baselineRate + lift;
        if (!(p1 > 0 && p1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lift), lift, "The baseline rate plus the lift must lie strictly between 0 and 1.");
        }
        return (baselineRate, p1);
    }
}
