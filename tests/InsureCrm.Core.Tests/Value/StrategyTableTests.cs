using InsureCrm.Core.Value;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Core.Tests.Value;

public sealed class StrategyTableTests
{
    private static readonly StrategyTable Defaults = new(new StrategyOptions());

    [Theory]
    [InlineData(SegmentCell.Retain, LifecycleState.Dormant, Strategy.WinBack, StrategyChannel.Tc, ServiceLevel.Standard)]
    [InlineData(SegmentCell.Monitor, LifecycleState.LapsedBySurrender, Strategy.WinBack, StrategyChannel.Tc, ServiceLevel.Standard)]
    [InlineData(SegmentCell.UpSell, LifecycleState.LapsedByMaturity, Strategy.CrossSell, StrategyChannel.Fc, ServiceLevel.Priority)]
    [InlineData(SegmentCell.Retain, LifecycleState.Loyal, Strategy.Retain, StrategyChannel.Fc, ServiceLevel.Premium)]
    [InlineData(SegmentCell.UpSell, LifecycleState.Loyal, Strategy.UpSell, StrategyChannel.Fc, ServiceLevel.Priority)]
    [InlineData(SegmentCell.CrossSell, LifecycleState.SingleHolder, Strategy.CrossSell, StrategyChannel.Fc, ServiceLevel.Priority)]
    [InlineData(SegmentCell.Activate, LifecycleState.New, Strategy.Activate, StrategyChannel.Fc, ServiceLevel.Standard)]
    [InlineData(SegmentCell.Activate, LifecycleState.MultiHolder, Strategy.Activate, StrategyChannel.Tc, ServiceLevel.Standard)]
    [InlineData(SegmentCell.Monitor, LifecycleState.SingleHolder, Strategy.Retain, StrategyChannel.Sms, ServiceLevel.Basic)]
    [InlineData(SegmentCell.CrossSell, LifecycleState.Prospect, Strategy.Activate, StrategyChannel.Tc, ServiceLevel.Basic)]
    public void Resolve_DefaultTable_GivesTheDocumentedStrategy(SegmentCell cell, LifecycleState state, Strategy strategy, StrategyChannel firstChannel, ServiceLevel level)
    {
        var decision = Defaults.Resolve(cell, state);

        decision.Strategy.ShouldBe(strategy);
        decision.Channels[0].ShouldBe(firstChannel);
        decision.ServiceLevel.ShouldBe(level);
    }

    [Fact]
    public void Resolve_LoyalInRetainCell_IsVisitedByTheAgentOnly() =>
        Defaults.Resolve(SegmentCell.Retain, LifecycleState.Loyal).Channels.ShouldBe([StrategyChannel.Fc]);

    [Fact]
    public void Resolve_ConfiguredTable_FirstMatchWinsAndNoMatchFallsBack()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Value:Strategy:Rules:0:Cell"] = "Retain",
            ["Value:Strategy:Rules:0:Strategy"] = "UpSell",
            ["Value:Strategy:Rules:0:Channels:0"] = "CsRc",
            ["Value:Strategy:Rules:0:ServiceLevel"] = "Priority",
            ["Value:Strategy:Rules:1:Cell"] = "Retain",
            ["Value:Strategy:Rules:1:State"] = "Loyal",
            ["Value:Strategy:Rules:1:Strategy"] = "Retain",
        }).Build();
        var table = new StrategyTable(StrategyOptions.FromConfiguration(configuration));

        table.Resolve(SegmentCell.Retain, LifecycleState.Loyal).ShouldBe(new StrategyDecision(Strategy.UpSell, [StrategyChannel.CsRc], ServiceLevel.Priority), customComparer);
        table.Resolve(SegmentCell.Monitor, LifecycleState.Dormant).ShouldBe(StrategyTable.Fallback);
    }

    private static readonly DecisionComparer customComparer = new();

    private sealed class DecisionComparer : IEqualityComparer<StrategyDecision>
    {
        public bool Equals(StrategyDecision? x, StrategyDecision? y) =>
            x is not null && y is not null && x.Strategy == y.Strategy && x.ServiceLevel == y.ServiceLevel && x.Channels.SequenceEqual(y.Channels);

        public int GetHashCode(StrategyDecision obj) => HashCode.Combine(obj.Strategy, obj.ServiceLevel);
    }

    [Fact]
    public void FromConfiguration_ActivateFloorAboveHighCut_IsRefused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Value:Strategy:Grid:CurrentHighPercentile"] = "50",
            ["Value:Strategy:Grid:ActivateFloorPercentile"] = "60",
        }).Build();

        Should.Throw<InvalidOperationException>(() => StrategyOptions.FromConfiguration(configuration));
    }
}
