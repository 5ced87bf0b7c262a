using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Core.Tests.Value;

public sealed class LifecycleRulesTests
{
    private static readonly LifecycleRules Defaults = new(new LifecycleOptions());

    private static ContractFact Contract(ProductFamily family, string issued, ContractStatus status = ContractStatus.InForce, string? statusDate = null, bool everLapsed = false) =>
        new(1, family, DateOnly.Parse(issued, System.Globalization.CultureInfo.InvariantCulture), status,
            DateOnly.Parse(statusDate ?? issued, System.Globalization.CultureInfo.InvariantCulture), everLapsed);

    private static LoanFact Loan(string start, LoanStatus status = LoanStatus.Active, string? statusDate = null) =>
        new(1, DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), status,
            DateOnly.Parse(statusDate ?? start, System.Globalization.CultureInfo.InvariantCulture));

    private static LifecycleState Insurance(LifecycleRules rules, string asOf, params ContractFact[] contracts) =>
        rules.InsuranceState(rules.Facts(1, contracts, [], DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture)));

    private static LifecycleState LoanState(string asOf, params LoanFact[] loans) =>
        Defaults.LoanState(Defaults.Facts(1, [], loans, DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture)));

    public static TheoryData<string, LifecycleState> HolderKinds => new()
    {
        { nameof(ProductFamily.WholeLife), LifecycleState.WholeLifeHolder },
        { nameof(ProductFamily.VariableWholeLife), LifecycleState.WholeLifeHolder },
        { nameof(ProductFamily.Health), LifecycleState.HealthAccidentHolder },
        { nameof(ProductFamily.Accident), LifecycleState.HealthAccidentHolder },
        { nameof(ProductFamily.Savings), LifecycleState.SavingsHolder },
        { nameof(ProductFamily.Annuity), LifecycleState.SavingsHolder },
        { nameof(ProductFamily.Cancer), LifecycleState.CancerHolder },
        { nameof(ProductFamily.Child), LifecycleState.SingleHolder },
    };

    [Theory, MemberData(nameof(HolderKinds))]
    public void InsuranceState_OneActiveContractPastFirstYear_IsTheHolderOfItsKind(string family, LifecycleState expected) =>
        Insurance(Defaults, "2024-06-30", Contract(Enum.Parse<ProductFamily>(family), "2022-01-15")).ShouldBe(expected);

    [Fact]
    public void InsuranceState_NoContractEver_IsProspect() =>
        Insurance(Defaults, "2024-06-30").ShouldBe(LifecycleState.Prospect);

    [Fact]
    public void InsuranceState_ContractIssuedAfterAsOf_IsIgnored() =>
        Insurance(Defaults, "2024-06-30", Contract(ProductFamily.Health, "2024-07-01")).ShouldBe(LifecycleState.Prospect);

    [Fact]
    public void InsuranceState_FirstContractElevenMonthsOld_IsNewAndTwelveMonthsIsHolder()
    {
        Insurance(Defaults, "2024-12-14", Contract(ProductFamily.Child, "2024-01-15")).ShouldBe(LifecycleState.New);
        Insurance(Defaults, "2025-01-15", Contract(ProductFamily.Child, "2024-01-15")).ShouldBe(LifecycleState.SingleHolder);
    }

    [Fact]
    public void InsuranceState_TwoActiveFiveYearsWithoutLapse_IsLoyalButALapseInHistoryKeepsMultiHolder()
    {
        Insurance(Defaults, "2024-06-30", Contract(ProductFamily.WholeLife, "2019-06-01"), Contract(ProductFamily.Health, "2020-01-01"))
            .ShouldBe(LifecycleState.Loyal);
        Insurance(Defaults, "2024-06-30", Contract(ProductFamily.WholeLife, "2019-06-01"), Contract(ProductFamily.Health, "2020-01-01", ContractStatus.Reinstated, "2022-03-01", everLapsed: true))
            .ShouldBe(LifecycleState.MultiHolder);
        Insurance(Defaults, "2024-06-30", Contract(ProductFamily.WholeLife, "2019-07-01"), Contract(ProductFamily.Health, "2020-01-01"))
            .ShouldBe(LifecycleState.MultiHolder, "59 months of tenure is not yet loyal");
    }

    [Fact]
    public void InsuranceState_LastContractSurrenderedOrMatured_IsLapsedByThatExit()
    {
        Insurance(Defaults, "2024-06-30", Contract(ProductFamily.Savings, "2014-01-01", ContractStatus.Matured, "2024-01-01"))
            .ShouldBe(LifecycleState.LapsedByMaturity);
        Insurance(Defaults, "2024-06-30",
                Contract(ProductFamily.Savings, "2014-01-01", ContractStatus.Matured, "2023-01-01"),
                Contract(ProductFamily.Health, "2015-01-01", ContractStatus.Surrendered, "2024-02-01"))
            .ShouldBe(LifecycleState.LapsedBySurrender, "the latest exit decides");
    }

    [Fact]
    public void InsuranceState_NothingActiveForTwoYears_IsDormant()
    {
        Insurance(Defaults, "2026-02-01", Contract(ProductFamily.Health, "2015-01-01", ContractStatus.Surrendered, "2024-02-01"))
            .ShouldBe(LifecycleState.Dormant);
        Insurance(Defaults, "2026-01-31", Contract(ProductFamily.Health, "2015-01-01", ContractStatus.Surrendered, "2024-02-01"))
            .ShouldBe(LifecycleState.LapsedBySurrender, "23 months is not yet dormant");
        Insurance(Defaults, "2024-06-30", Contract(ProductFamily.Health, "2015-01-01", ContractStatus.Lapsed, "2024-02-01"))
            .ShouldBe(LifecycleState.Dormant, "a lapse without surrender or maturity leaves nothing active");
    }

    [Fact]
    public void LoanState_FollowsTheLoanFromNewToRepaid()
    {
        LoanState("2024-06-30").ShouldBe(LifecycleState.NoLoan);
        LoanState("2024-02-28", Loan("2024-01-15")).ShouldBe(LifecycleState.LoanNew);
        LoanState("2024-06-30", Loan("2024-01-15")).ShouldBe(LifecycleState.LoanActive);
        LoanState("2024-06-30", Loan("2024-01-15", LoanStatus.Delinquent, "2024-05-01")).ShouldBe(LifecycleState.LoanActive);
        LoanState("2024-06-30", Loan("2022-01-15", LoanStatus.EarlyRepaid, "2023-03-01")).ShouldBe(LifecycleState.LoanEarlyRepaid);
        LoanState("2024-06-30", Loan("2021-01-15", LoanStatus.MaturedRepaid, "2024-01-15")).ShouldBe(LifecycleState.LoanMaturedRepaid);
        LoanState("2024-06-30", Loan("2021-01-15", LoanStatus.MaturedRepaid, "2024-01-15"), Loan("2023-01-15")).ShouldBe(LifecycleState.LoanActive);
    }

    [Fact]
    public void FromConfiguration_CustomRuleOrder_ReplacesTheDefaultsAndChangesTheOutcome()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Value:Lifecycle:InsuranceRules:0:State"] = "MultiHolder",
            ["Value:Lifecycle:InsuranceRules:0:MinActive"] = "2",
            ["Value:Lifecycle:InsuranceRules:1:State"] = "Loyal",
            ["Value:Lifecycle:InsuranceRules:1:MinActive"] = "2",
            ["Value:Lifecycle:InsuranceRules:1:MinTenureMonths"] = "60",
        }).Build();
        var options = LifecycleOptions.FromConfiguration(configuration);
        var custom = new LifecycleRules(options);
        ContractFact[] loyal = [Contract(ProductFamily.WholeLife, "2019-06-01"), Contract(ProductFamily.Health, "2020-01-01")];

        options.EffectiveInsuranceRules.Count.ShouldBe(2);
        Insurance(Defaults, "2024-06-30", loyal).ShouldBe(LifecycleState.Loyal);
        Insurance(custom, "2024-06-30", loyal).ShouldBe(LifecycleState.MultiHolder);
        Insurance(custom, "2024-06-30", Contract(ProductFamily.WholeLife, "2019-06-01")).ShouldBe(LifecycleState.Prospect, "no rule matches, so the fallback");
    }
}
