using InsureCrm.Core.Agents;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Worklists.Branch;

namespace InsureCrm.Tests.Worklists;

/// <summary>The pattern report's groups on a hand-built branch of eight agents (the rule is <see cref="BranchRules"/>').</summary>
public sealed class BranchRulesTests
{
    private static AgentPatternFacts A(string code, int results, int contracts, int cohort = 0, int kept = 0, double? dropout = null, int visits = 0) =>
        new(code.GetHashCode(StringComparison.Ordinal), code, code, AgentKind.Fc, new DateOnly(2022, 1, 1), results, visits, results - visits, 0, contracts, cohort, kept, dropout);

    [Fact]
    public void Classify_HandBuiltBranch_TopQuartileWithGoodPersistencyIsExcellentAndRiskBeatsProductivity()
    {
        AgentPatternFacts[] agents =
        [
            A("STAR", results: 60, contracts: 9, cohort: 10, kept: 9, visits: 40),   // top quartile, 90% persistency
            A("NEWSTAR", results: 40, contracts: 9),                                // top quartile (a tie), no cohort yet
            A("CHURNER", results: 50, contracts: 9, cohort: 10, kept: 6),           // top quartile but 60% persistency
            A("QUITTER", results: 45, contracts: 2, dropout: 0.7),                 // dropout risk high
            A("IDLE", results: 5, contracts: 1),                                    // under half the median
            A("MID1", results: 40, contracts: 3, cohort: 4, kept: 2),               // low persistency, but under 5 contracts
            A("MID2", results: 35, contracts: 2, cohort: 10, kept: 8),
            A("ZERO", results: 0, contracts: 0),
        ];

        var result = BranchRules.Classify(agents, workingDays: 20, out var top, out var median);
        var groups = result.ToDictionary(p => p.Facts.Code);

        top.ShouldBe(9, "the count at rank ⌈8/4⌉ = 2 of 9, 9, 9, 3, …; ties share the quartile");
        median.ShouldBe(2.0, "(40 + 40) / 2 results over 20 working days");
        groups["STAR"].Group.ShouldBe(AgentGroup.Excellent);
        groups["NEWSTAR"].Group.ShouldBe(AgentGroup.Excellent);
        groups["CHURNER"].Group.ShouldBe(AgentGroup.AtRisk);
        groups["CHURNER"].Reasons.ShouldBe([PatternReason.PersistencyLow]);
        groups["QUITTER"].Reasons.ShouldBe([PatternReason.DropoutHigh]);
        groups["IDLE"].Reasons.ShouldBe([PatternReason.ActivityLow]);
        groups["ZERO"].Reasons.ShouldBe([PatternReason.ActivityLow]);
        groups["MID1"].Group.ShouldBe(AgentGroup.Middle);
        groups["MID2"].Group.ShouldBe(AgentGroup.Middle);

        var profiles = BranchRules.Profiles(result, new DateOnly(2026, 3, 10)).ToDictionary(p => p.Group);
        profiles[AgentGroup.Excellent].Agents.ShouldBe(2);
        profiles[AgentGroup.Excellent].NewContracts.ShouldBe(9);
        profiles[AgentGroup.Excellent].Persistency.ShouldBe(0.9);
        profiles[AgentGroup.Excellent].VisitShare.ShouldBe(0.4, "40 visits of 100 results");
        profiles[AgentGroup.AtRisk].Agents.ShouldBe(4);
        profiles[AgentGroup.AtRisk].DropoutScore.ShouldBe(0.7);
        profiles[AgentGroup.Middle].Persistency.ShouldBe(10 / 14d);
    }

    [Theory]
    [InlineData(ContractStatus.InForce, "2025-01-01", true)]
    [InlineData(ContractStatus.Lapsed, "2024-12-31", false)]
    [InlineData(ContractStatus.Surrendered, "2025-02-01", true)]
    [InlineData(ContractStatus.Cancelled, "2024-01-10", false)]
    [InlineData(ContractStatus.Matured, "2024-06-01", null)]
    [InlineData(ContractStatus.Reinstated, "2024-08-01", true)]
    public void Persistency13_ContractIssued2024_01_01_InForceAtMonth13Unless(ContractStatus status, string statusDate, bool? expected) =>
        BranchView.Persistency13(new DateOnly(2024, 1, 1), status, DateOnly.Parse(statusDate, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(expected);
}
