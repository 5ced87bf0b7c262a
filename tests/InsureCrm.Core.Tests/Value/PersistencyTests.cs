using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;

namespace InsureCrm.Core.Tests.Value;

public sealed class PersistencyTests
{
    private static readonly DateOnly AsOf = new(2025, 1, 1);
    private static readonly DateOnly Issue = new(2024, 1, 1);

    private static StatusEvent E(int year, int month, int day, ContractStatus to) => new(new DateOnly(year, month, day), to);

    [Fact]
    public void Build_TwoLapsesInMonth3AndOneCensoredAtMonth2_SurvivalIsKaplanMeier()
    {
        var estimator = new PersistencyEstimator(AsOf);
        for (var i = 0; i < 7; i++)
        {
            estimator.Add(ProductFamily.Health, Issue, [E(2024, 1, 1, ContractStatus.InForce)]);
        }
        estimator.Add(ProductFamily.Health, Issue, [E(2024, 3, 15, ContractStatus.Lapsed)]);
        estimator.Add(ProductFamily.Health, Issue, [E(2024, 3, 20, ContractStatus.Lapsed)]);
        // Issued in late October: two whole months completed by the as-of date, still in force.
        estimator.Add(ProductFamily.Health, new DateOnly(2024, 10, 20), []);

        var curve = estimator.Build(minContracts: 5, fallbackAnnualLapseRate: 0.1m).For(ProductFamily.Health);

        curve.Source.ShouldBe(CurveSource.Family);
        curve.Survival(2).ShouldBe(1d);
        curve.Hazard(3).ShouldBe(2d / 9d, 1e-12);
        curve.Survival(3).ShouldBe(1d - (2d / 9d), 1e-12);
        curve.Survival(12).ShouldBe(7d / 9d, 1e-12);
    }

    [Fact]
    public void Build_ReinstatedContract_ReentersAtRiskAndCanExitAgain()
    {
        var estimator = new PersistencyEstimator(AsOf);
        estimator.Add(ProductFamily.Cancer, Issue, [E(2024, 2, 10, ContractStatus.Lapsed), E(2024, 4, 10, ContractStatus.Reinstated)]);
        estimator.Add(ProductFamily.Cancer, Issue, [E(2024, 5, 10, ContractStatus.Surrendered)]);
        estimator.Add(ProductFamily.Cancer, Issue, []);
        estimator.Add(ProductFamily.Cancer, Issue, []);

        var curve = estimator.Build(minContracts: 1, fallbackAnnualLapseRate: 0.1m).For(ProductFamily.Cancer);

        curve.Hazard(2).ShouldBe(1d / 4d, 1e-12); // four at risk, the first lapses
        curve.Hazard(3).ShouldBe(0d);             // three at risk
        curve.Hazard(5).ShouldBe(1d / 4d, 1e-12); // the reinstated one is back: four at risk, one surrenders
        curve.Survival(5).ShouldBe(9d / 16d, 1e-12);
    }

    [Fact]
    public void Build_MaturityIsCensoredNotAnExit()
    {
        var estimator = new PersistencyEstimator(AsOf);
        estimator.Add(ProductFamily.Savings, Issue, [E(2024, 6, 1, ContractStatus.Matured)]);
        estimator.Add(ProductFamily.Savings, Issue, [E(2024, 8, 5, ContractStatus.Lapsed)]);

        var curve = estimator.Build(minContracts: 1, fallbackAnnualLapseRate: 0.1m).For(ProductFamily.Savings);

        curve.Survival(5).ShouldBe(1d);
        curve.Hazard(8).ShouldBe(1d); // only the lapsing contract is still at risk in month 8
    }

    [Fact]
    public void Build_FamilyWithTooFewContracts_FallsBackToPooledThenToConfiguredRate()
    {
        var estimator = new PersistencyEstimator(AsOf);
        for (var i = 0; i < 5; i++)
        {
            estimator.Add(ProductFamily.Health, Issue, i == 0 ? [E(2024, 3, 15, ContractStatus.Lapsed)] : []);
        }
        estimator.Add(ProductFamily.Cancer, Issue, []);

        var curves = estimator.Build(minContracts: 5, fallbackAnnualLapseRate: 0.1m);
        curves.For(ProductFamily.Health).Source.ShouldBe(CurveSource.Family);
        curves.For(ProductFamily.Cancer).Source.ShouldBe(CurveSource.Pooled);
        curves.For(ProductFamily.Cancer).Hazard(3).ShouldBe(1d / 6d, 1e-12);

        var thin = estimator.Build(minContracts: 100, fallbackAnnualLapseRate: 0.1m).For(ProductFamily.Health);
        thin.Source.ShouldBe(CurveSource.Fallback);
        thin.Survival(12).ShouldBe(0.9d, 1e-9);
    }
}
