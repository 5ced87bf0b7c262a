namespace InsureCrm.Analytics.Experiments;

/// <summary>The outcome of a two-proportion z-test of a test arm against a control arm.</summary>
/// <param name="RateTest">Responders over members in the test arm.</param>
/// <param name="RateControl">Responders over members in the control arm.</param>
/// <param name="Difference">RateTest − RateControl: the uplift.</param>
/// <param name="Z">The pooled z statistic (its square is R's <c>prop.test(correct = FALSE)</c> X-squared).</param>
/// <param name="PValue">The two-sided p-value.</param>
public sealed record TwoProportionTest(double RateTest, double RateControl, double Difference, double Z, double PValue)
{
    /// <summary>Whether the difference is significant at level <paramref name="alpha"/>: "not significant" is p ≥ α.</summary>
    /// <param name="alpha">The two-sided significance level, e.g. 0.05.</param>
    /// <returns>True when <see cref="PValue"/> &lt; <paramref name="alpha"/>.</returns>
    public bool IsSignificant(double alpha = 0.05) => PValue < alpha;
}

/// <summary>Comparing two response rates: the test and the interval for their difference.</summary>
public static class TwoProportion
{
    /// <summary>
    /// The two-sided pooled z-test: z = (p̂₁ − p̂₀) / √(p̄q̄(1/n₁ + 1/n₀)) with p̄ the pooled rate. When both arms have
    /// rates of 0 or both of 1 there is no variance and no evidence: z = 0, p = 1.
    /// </summary>
    /// <param name="successesTest">Responders in the test arm.</param>
    /// <param name="trialsTest">Members of the test arm.</param>
    /// <param name="successesControl">Responders in the control arm.</param>
    /// <param name="trialsControl">Members of the control arm.</param>
    /// <returns>The rates, their difference, z and the p-value.</returns>
    public static TwoProportionTest Test(long successesTest, long trialsTest, long successesControl, long trialsControl)
    {
        Proportion.Check(successesTest, trialsTest);
        Proportion.Check(successesControl, trialsControl);
        var p1 = (double)successesTest / trialsTest;
        var p0 = (double)successesControl / trialsControl;
        var pooled = (double)(successesTest + successesControl) / (trialsTest + trialsControl);
        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / trialsTest + 1.0 / trialsControl));
        if (se == 0)
        {
            return new TwoProportionTest(p1, p0, p1 - p0, 0, 1);
        }
        var z = (p1 - p0) / se;
        var p = 2 * Normal.Cdf(-Math.Abs(z));
        return new TwoProportionTest(p1, p0, p1 - p0, z, Math.Min(1, p));
    }

    /// <summary>
    /// Newcombe's hybrid score interval for p₁ − p₀ (Newcombe 1998, method 10), built from the two
    /// <see cref="Proportion.Wilson"/> intervals: good coverage at small rates and unequal arms, and never outside [−1, 1].
    /// </summary>
    /// <param name="successesTest">Responders in the test arm.</param>
    /// <param name="trialsTest">Members of the test arm.</param>
    /// <param name="successesControl">Responders in the control arm.</param>
    /// <param name="trialsControl">Members of the control arm.</param>
    /// <param name="confidence">The confidence level, e.g. 0.95.</param>
    /// <returns>The interval for the uplift.</returns>
    public static Interval DifferenceInterval(long successesTest, long trialsTest, long successesControl, long trialsControl, double confidence = 0.95)
    {
        var p1 = (double)successesTest / trialsTest;
        var p0 = (double)successesControl / trialsControl;
        var (l1, u1) = Proportion.Wilson(successesTest, trialsTest, confidence);
        var (l0, u0) = Proportion.Wilson(successesControl, trialsControl, confidence);
        var d = p1 - p0;
        var lower = d - Math.Sqrt((p1 - l1) * (p1 - l1) + (u0 - p0) * (u0 - p0));
        var upper = d + Math.Sqrt((u1 - p1) * (u1 - p1) + (p0 - l0) * (p0 - l0));
        return new Interval(Math.Max(-1, lower), Math.Min(1, upper));
    }
}
