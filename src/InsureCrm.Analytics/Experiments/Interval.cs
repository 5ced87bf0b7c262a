namespace InsureCrm.Analytics.Experiments;

/// <summary>A confidence interval [<see cref="Lower"/>, <see cref="Upper"/>].</summary>
/// <param name="Lower">The lower bound.</param>
/// <param name="Upper">The upper bound.</param>
public readonly record struct Interval(double Lower, double Upper)
{
    /// <summary>Whether <paramref name="value"/> lies in the interval (bounds included).</summary>
    /// <param name="value">The value to test.</param>
    /// <returns>True when Lower ≤ value ≤ Upper.</returns>
    public bool Contains(double value) => value >= Lower && value <= Upper;

    /// <summary>Whether the interval excludes 0, i.e. a difference is significant at the interval's level.</summary>
    public bool ExcludesZero => Lower > 0 || Upper < 0;

    /// <summary>The interval multiplied by <paramref name="factor"/> (bounds swapped for a negative factor): per member to a total, say.</summary>
    /// <param name="factor">The multiplier.</param>
    /// <returns>The scaled interval.</returns>
    public Interval Scale(double factor) =>
        factor >= 0 ? new Interval(Lower * factor, Upper * factor) : new Interval(Upper * factor, Lower * factor);
}
