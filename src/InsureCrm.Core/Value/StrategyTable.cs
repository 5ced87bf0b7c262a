namespace InsureCrm.Core.Value;

/// <summary>Resolves a grid cell and a lifecycle state to a strategy by the configured table.</summary>
public sealed class StrategyTable(StrategyOptions options)
{
    /// <summary>Used when a custom table has no catch-all row and nothing matches.</summary>
    public static readonly StrategyDecision Fallback = new(Strategy.Retain, [StrategyChannel.Sms], ServiceLevel.Basic);

    public StrategyDecision Resolve(SegmentCell cell, LifecycleState state) => Resolve(options.EffectiveRules, cell, state);

    public static StrategyDecision Resolve(IReadOnlyList<StrategyRule> rules, SegmentCell cell, LifecycleState state)
    {
        foreach (var rule in rules)
        {
            if ((rule.Cell is null || rule.Cell == cell) && (rule.State is null || rule.State == state))
            {
                return new StrategyDecision(rule.Strategy, rule.Channels, rule.ServiceLevel);
            }
        }
        return Fallback;
    }
}
