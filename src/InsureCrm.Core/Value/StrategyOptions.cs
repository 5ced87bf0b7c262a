using Microsoft.Extensions.Configuration;

namespace InsureCrm.Core.Value;

/// <summary>The cells of the strategic grid of current value against potential value.</summary>
public enum SegmentCell { Retain, UpSell, CrossSell, Activate, Monitor }

public enum Strategy { Retain, UpSell, CrossSell, WinBack, Activate }

/// <summary>Who reaches the customer: the agent's visit (FC), the CS consultant, telemarketing (TC), or direct media.</summary>
public enum StrategyChannel { Fc, CsRc, Tc, Sms, Email, Dm }

/// <summary>Service tiers, from the most attention to the least.</summary>
public enum ServiceLevel { Premium, Priority, Standard, Basic }

/// <summary>One row of the strategy table; a null cell or state matches any.</summary>
public sealed class StrategyRule
{
    public SegmentCell? Cell { get; set; }
    public LifecycleState? State { get; set; }
    public Strategy Strategy { get; set; }
    public List<StrategyChannel> Channels { get; set; } = [];
    public ServiceLevel ServiceLevel { get; set; } = ServiceLevel.Standard;
}

/// <summary>What the table decides for a customer.</summary>
public sealed record StrategyDecision(Strategy Strategy, IReadOnlyList<StrategyChannel> Channels, ServiceLevel ServiceLevel);

/// <summary>Percentile cut points of the strategic grid (0–100, of all customers in the run).</summary>
public sealed class GridOptions
{
    /// <summary>Current value at or above this percentile is high.</summary>
    public decimal CurrentHighPercentile { get; set; } = 70m;
    /// <summary>Potential value at or above this percentile is high.</summary>
    public decimal PotentialHighPercentile { get; set; } = 70m;
    /// <summary>Low/low customers at or above this current-value percentile are worth activating; below it, monitored.</summary>
    public decimal ActivateFloorPercentile { get; set; } = 40m;
}

/// <summary>The <c>Value:Strategy</c> section: the ordered strategy table and the grid cut points.</summary>
public sealed class StrategyOptions
{
    public const string Section = "Value:Strategy";

    /// <summary>Rows in order, first match wins; empty means <see cref="DefaultRules"/>.</summary>
    public List<StrategyRule> Rules { get; set; } = [];
    public GridOptions Grid { get; set; } = new();

    public IReadOnlyList<StrategyRule> EffectiveRules => Rules.Count > 0 ? Rules : DefaultRules;

    public static StrategyOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new StrategyOptions();
        configuration.GetSection(Section).Bind(options);
        foreach (var p in new[] { options.Grid.CurrentHighPercentile, options.Grid.PotentialHighPercentile, options.Grid.ActivateFloorPercentile })
        {
            if (p is < 0 or > 100)
            {
                throw new InvalidOperationException($"{Section}:Grid percentiles must lie between 0 and 100.");
            }
        }
        if (options.Grid.ActivateFloorPercentile > options.Grid.CurrentHighPercentile)
        {
            throw new InvalidOperationException($"{Section}:Grid:ActivateFloorPercentile cannot exceed CurrentHighPercentile.");
        }
        return options;
    }

    private static StrategyRule Row(SegmentCell? cell, LifecycleState? state, Strategy strategy, ServiceLevel level, params StrategyChannel[] channels) =>
        new() { Cell = cell, State = state, Strategy = strategy, ServiceLevel = level, Channels = [.. channels] };

    /// <summary>
    /// The default table: customers who left are won back whatever their value; maturity money is
    /// re-invested by the agent; then the grid cell decides, with the agent's visit for valuable customers
    /// and telemarketing and messages for the rest.
    /// </summary>
    public static readonly IReadOnlyList<StrategyRule> DefaultRules =
    [
        Row(null, LifecycleState.Dormant, Strategy.WinBack, ServiceLevel.Standard, StrategyChannel.Tc, StrategyChannel.Sms),
        Row(null, LifecycleState.LapsedBySurrender, Strategy.WinBack, ServiceLevel.Standard, StrategyChannel.Tc, StrategyChannel.Fc),
        Row(null, LifecycleState.LapsedByMaturity, Strategy.CrossSell, ServiceLevel.Priority, StrategyChannel.Fc, StrategyChannel.Tc),
        Row(null, LifecycleState.Prospect, Strategy.Activate, ServiceLevel.Basic, StrategyChannel.Tc, StrategyChannel.Sms),
        Row(SegmentCell.Retain, LifecycleState.Loyal, Strategy.Retain, ServiceLevel.Premium, StrategyChannel.Fc),
        Row(SegmentCell.Retain, null, Strategy.Retain, ServiceLevel.Premium, StrategyChannel.Fc, StrategyChannel.Tc),
        Row(SegmentCell.UpSell, null, Strategy.UpSell, ServiceLevel.Priority, StrategyChannel.Fc, StrategyChannel.Tc),
        Row(SegmentCell.CrossSell, null, Strategy.CrossSell, ServiceLevel.Priority, StrategyChannel.Fc, StrategyChannel.Tc),
        Row(SegmentCell.Activate, LifecycleState.New, Strategy.Activate, ServiceLevel.Standard, StrategyChannel.Fc, StrategyChannel.Sms),
        Row(SegmentCell.Activate, null, Strategy.Activate, ServiceLevel.Standard, StrategyChannel.Tc, StrategyChannel.Sms),
        Row(SegmentCell.Monitor, null, Strategy.Retain, ServiceLevel.Basic, StrategyChannel.Sms, StrategyChannel.Email),
        Row(null, null, Strategy.Retain, ServiceLevel.Basic, StrategyChannel.Sms),
    ];
}
