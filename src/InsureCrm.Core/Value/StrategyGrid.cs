namespace InsureCrm.Core.Value;

/// <summary>Value cut-offs of the grid for one run, from the percentiles in <see cref="GridOptions"/>.</summary>
public sealed record GridThresholds(decimal CurrentHigh, decimal PotentialHigh, decimal ActivateFloor)
{
    /// <summary>Cut-offs at the configured percentiles of the run's values (nearest rank).</summary>
    public static GridThresholds FromValues(IReadOnlyCollection<decimal> current, IReadOnlyCollection<decimal> potential, GridOptions grid)
    {
        var c = current.Order().ToArray();
        var p = potential.Order().ToArray();
        return new GridThresholds(Percentile(c, grid.CurrentHighPercentile), Percentile(p, grid.PotentialHighPercentile), Percentile(c, grid.ActivateFloorPercentile));
    }

    /// <summary>The smallest value with at least <paramref name="percent"/>% of values below or equal (nearest rank); 0 for no values.</summary>
    internal static decimal Percentile(decimal[] sorted, decimal percent)
    {
        if (sorted.Length == 0)
        {
            return 0m;
        }
        var rank = (int)Math.Ceiling(percent / 100m * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

/// <summary>
/// Places a customer on the strategic grid. A value at a cut-off counts as high (≥):
/// high current + high potential → Retain; high current + low potential → UpSell (deepen what they
/// hold); low current + high potential → CrossSell (the gap products); low + low → Activate when current
/// value is at or above the activate floor, else Monitor.
/// </summary>
public static class StrategicGrid
{
    public static SegmentCell Place(decimal currentValue, decimal potentialValue, GridThresholds thresholds)
    {
        var highCurrent = currentValue >= thresholds.CurrentHigh;
        var highPotential = potentialValue >= thresholds.PotentialHigh;
        return (highCurrent, highPotential) switch
        {
            (true, true) => SegmentCell.Retain,
            (true, false) => SegmentCell.UpSell,
            (false, true) => SegmentCell.CrossSell,
            _ => currentValue >= thresholds.ActivateFloor ? SegmentCell.Activate : SegmentCell.Monitor,
        };
    }
}
