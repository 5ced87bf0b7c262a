namespace InsureCrm.Core.Orphans;

/// <summary>Kept of total (contracts still in force at a horizon of those active at orphaning).</summary>
public readonly record struct Proportion(int Kept, int Total)
{
    /// <summary>Kept ÷ total; NaN when nothing was measured.</summary>
    public double Rate => Total == 0 ? double.NaN : (double)Kept / Total;

    public Proportion Add(Proportion other) => new(Kept + other.Kept, Total + other.Total);
}

/// <summary>A confidence interval (both ends as proportions or differences of proportions).</summary>
public readonly record struct Interval(double Low, double High);

/// <summary>Two arms' rates, their difference (first − second) and its confidence interval.</summary>
public sealed record RateComparison(Proportion First, Proportion Second, double Difference, Interval Ci);

/// <summary>
/// The arithmetic of the retention comparison, pure: Wilson's score interval of one proportion and Newcombe's hybrid score
/// interval of a difference of two independent proportions (Newcombe 1998, method 10), 95 % by default. Newcombe's interval
/// stays inside [−1, 1], behaves near 0 and 1 and with small arms, where the plain normal (Wald) interval does not.
/// </summary>
public static class RetentionMath
{
    /// <summary>The standard normal quantile of 0.975.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Wilson's score interval for <paramref name="kept"/> of <paramref name="total"/>; (NaN, NaN) when total is 0.</summary>
    public static Interval Wilson(int kept, int total, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kept);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(kept, total);
        if (total == 0)
        {
            return new(double.NaN, double.NaN);
        }
        var n = (double)total;
        var p = kept / n;
        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// First − second with Newcombe's hybrid score interval: with Wilson limits (l₁, u₁) and (l₂, u₂),
    /// low = d − √((p₁ − l₁)² + (u₂ − p₂)²), high = d + √((u₁ − p₁)² + (p₂ − l₂)²). Null when either arm is empty.
    /// </summary>
    public static RateComparison? Compare(Proportion first, Proportion second, double z = Z95)
    {
        if (first.Total == 0 || second.Total == 0)
        {
            return null;
        }
        var (p1, p2) = (first.Rate, second.Rate);
        var w1 = Wilson(first.Kept, first.Total, z);
        var w2 = Wilson(second.Kept, second.Total, z);
        var d = p1 - p2;
        var low = d - Math.Sqrt((p1 - w1.Low) * (p1 - w1.Low) + (w2.High - p2) * (w2.High - p2));
        var high = d + Math.Sqrt((w1.High - p1) * (w1.High - p1) + (p2 - w2.Low) * (p2 - w2.Low));
        return new(first, second, d, new(low, high));
    }
}
