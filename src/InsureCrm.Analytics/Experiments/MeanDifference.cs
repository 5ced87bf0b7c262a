namespace InsureCrm.Analytics.Experiments;

/// <summary>The mean, variance and size of one arm's values (revenue per member, say).</summary>
/// <param name="Mean">The sample mean.</param>
/// <param name="Variance">The sample variance (n − 1 in the denominator).</param>
/// <param name="Count">The number of values.</param>
public readonly record struct SampleSummary(double Mean, double Variance, long Count)
{
    /// <summary>The summary of <paramref name="values"/> (Welford's one-pass algorithm).</summary>
    /// <param name="values">The values; at least two.</param>
    /// <returns>Mean, sample variance and count.</returns>
    public static SampleSummary Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        long n = 0;
        double mean = 0, m2 = 0;
        foreach (var x in values)
        {
            n++;
            var delta = x - mean;
            mean += delta / n;
            m2 += delta * (x - mean);
        }
        if (n < 2)
        {
            throw new ArgumentException("A variance needs at least two values.", nameof(values));
        }
        return new SampleSummary(mean, m2 / (n - 1), n);
    }
}

/// <summary>The difference of two means with its large-sample interval.</summary>
/// <param name="Difference">Mean of the test arm − mean of the control arm.</param>
/// <param name="StandardError">Welch's standard error √(s₁²/n₁ + s₀²/n₀).</param>
/// <param name="Interval">The normal interval Difference ± z·StandardError.</param>
public sealed record MeanDifferenceEstimate(double Difference, double StandardError, Interval Interval);

/// <summary>Comparing two means (revenue per member by arm), for incremental revenue and ROI.</summary>
public static class MeanDifference
{
    /// <summary>
    /// Welch's unequal-variance standard error with a normal critical value: campaign arms have thousands of members, so
    /// the t distribution's correction is negligible, and revenue's skew is handled by the central limit theorem.
    /// </summary>
    /// <param name="test">The test arm's summary.</param>
    /// <param name="control">The control arm's summary.</param>
    /// <param name="confidence">The confidence level, e.g. 0.95.</param>
    /// <returns>The difference, its standard error and interval.</returns>
    public static MeanDifferenceEstimate Welch(SampleSummary test, SampleSummary control, double confidence = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(test.Count, 2, nameof(test));
        ArgumentOutOfRangeException.ThrowIfLessThan(control.Count, 2, nameof(control));
        var se = Math.Sqrt(test.Variance / test.Count + control.Variance / control.Count);
        var d = test.Mean - control.Mean;
        var z = Normal.TwoSidedCritical(1 - confidence);
        return new MeanDifferenceEstimate(d, se, new Interval(d - z * se, d + z * se));
    }
}
