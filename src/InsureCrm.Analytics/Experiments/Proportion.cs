namespace InsureCrm.Analytics.Experiments;

/// <summary>Confidence intervals for a single proportion (a response rate).</summary>
public static class Proportion
{
    /// <summary>
    /// Wilson's score interval for <paramref name="successes"/> out of <paramref name="trials"/> (Wilson 1927; Newcombe
    /// 1998, method 3). Unlike the Wald interval it stays inside [0, 1] and keeps its coverage at small rates and small
    /// samples, where campaign response rates live.
    /// </summary>
    /// <param name="successes">Responders, 0 ≤ successes ≤ trials.</param>
    /// <param name="trials">Members, at least 1.</param>
    /// <param name="confidence">The confidence level, e.g. 0.95.</param>
    /// <returns>The interval for the rate.</returns>
    public static Interval Wilson(long successes, long trials, double confidence = 0.95)
    {
        Check(successes, trials);
        var z = Normal.TwoSidedCritical(1 - confidence);
        var n = (double)trials;
        var p = successes / n;
        var z2 = z * z;
        var centre = p + z2 / (2 * n);
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        var denominator = 1 + z2 / n;
        var lower = successes == 0 ? 0 : (centre - half) / denominator;
        var upper = successes == trials ? 1 : (centre + half) / denominator;
        return new Interval(Math.Max(0, lower), Math.Min(1, upper));
    }

    internal static void Check(long successes, long trials)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
    }
}
