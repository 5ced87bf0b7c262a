using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;

namespace InsureCrm.Core.Tests.Value;

public sealed class ValueCalculatorTests
{
    internal static readonly DateOnly AsOf = new(2025, 6, 30);

    /// <summary>Round numbers so that every figure below can be checked by hand.</summary>
    internal static ValueOptions HandOptions() => new()
    {
        Families = { [ProductFamily.Health] = new FamilyAssumptions(0.10m, 1.0m, 0.05m, 0.001m) },
        PotentialRules = [new PotentialRule { Name = "none", MinAge = 200, MaxAge = 200, MissingFamilies = [ProductFamily.Annuity] }],
    };

    private static ContractFacts Facts(long id, PaymentMode mode, decimal premium, DateOnly issue, DateOnly? maturity, decimal claims, params StatusEvent[] events) =>
        new(id, 1, ProductFamily.Health, mode, premium, 10_000_000m, issue, maturity, events.Length > 0 ? events[^1].To : ContractStatus.InForce,
            events.Length > 0 ? events[^1].Date : issue, [new StatusEvent(issue, ContractStatus.InForce), .. events], claims);

    /// <summary>A lapse after 18 monthly premiums, an annual contract with a paid claim, a quarterly contract that matured after two years.</summary>
    internal static IReadOnlyList<ContractFacts> HandContracts() =>
    [
        Facts(1, PaymentMode.Monthly, 100_000m, new DateOnly(2023, 1, 10), null, 0m, new StatusEvent(new DateOnly(2024, 7, 10), ContractStatus.Lapsed)),
        Facts(2, PaymentMode.Annual, 1_200_000m, new DateOnly(2022, 3, 1), null, 2_000_000m),
        Facts(3, PaymentMode.Quarterly, 300_000m, new DateOnly(2020, 1, 15), new DateOnly(2022, 1, 15), 0m, new StatusEvent(new DateOnly(2022, 1, 15), ContractStatus.Matured)),
    ];

    private static ValueCalculator Calculator(ValueOptions options, double monthlyHazard = 0.01) =>
        new(options, new PersistencyCurves(new Dictionary<ProductFamily, PersistencyCurve>(), PersistencyCurve.Constant(monthlyHazard)), AsOf);

    [Fact]
    public void Contract_LapseClaimAndMaturity_ExperienceEqualsHandComputation()
    {
        var calc = Calculator(HandOptions());
        var values = HandContracts().Select(calc.Contract).ToList();

        // Lapse: 18 premiums of 100,000 (Jan 2023 - Jun 2024); commission 12 x 100,000; renewal 5% of 6; expenses 10%.
        values[0].Experience.ShouldBe(1_800_000m - 1_200_000m - 30_000m - 180_000m);
        // Claim: 4 annual premiums of 1,200,000; claim 2,000,000; commission 1 x 1,200,000; renewal 5% of 3; expenses 10%.
        values[1].Experience.ShouldBe(4_800_000m - 2_000_000m - 1_200_000m - 180_000m - 480_000m);
        // Maturity: 8 quarterly premiums of 300,000 (none on the maturity date); commission 4 x 300,000; renewal 5% of 4; expenses 10%.
        values[2].Experience.ShouldBe(2_400_000m - 1_200_000m - 60_000m - 240_000m);
        values[0].Current.ShouldBe(0m);
        values[2].Current.ShouldBe(0m);
        values[1].Explanation.ExperienceParts.ShouldContain(new ValueComponent("claims paid", -2_000_000m));
    }

    [Fact]
    public void Current_InForceWithKnownCurveAndRate_EqualsHandComputation()
    {
        var options = HandOptions();
        options.HorizonYears = 1;
        var contract = new ContractFacts(9, 1, ProductFamily.Health, PaymentMode.Monthly, 100_000m, 10_000_000m,
            new DateOnly(2024, 6, 30), null, ContractStatus.InForce, new DateOnly(2024, 6, 30), [], 0m);

        var value = Calculator(options, monthlyHazard: 0.01).Contract(contract);

        // Twelve future monthly premiums, each received with probability 0.99^t and discounted by 1.045^(-t/12).
        // Per month: premium 100,000 - claims 0.001 x 10,000,000 - renewal 5% - expenses 10% = 75,000.
        var x = 0.99 * Math.Pow(1.045, -1d / 12d);
        var annuity = x * (1 - Math.Pow(x, 12)) / (1 - x);
        ((double)value.Current).ShouldBe(75_000d * annuity, 2d);
        value.Explanation.CurrentParts.Select(p => p.Label).ShouldBe(["expected premiums (PV)", "expected claims (PV)", "renewal commission (PV)", "expenses (PV)"]);
    }

    [Fact]
    public void Customer_WeightsAndGapRules_TotalAddsUpAndExplanationRoundTrips()
    {
        var options = HandOptions();
        options.PotentialRules = [new PotentialRule { Name = "annuity-gap", MinAge = 40, MaxAge = 65, MissingFamilies = [ProductFamily.Annuity], ExpectedProfit = 1_000_000m, TakeUpRate = 0.1m }];
        var customer = new CustomerFacts(1, CustomerKind.Individual, new DateOnly(1980, 1, 1), 2);

        var result = Calculator(options).Customer(customer, HandContracts());

        result.Experience.ShouldBe(390_000m + 940_000m + 900_000m);
        result.Potential.ShouldBe(100_000m);
        // Retention weights: experience 0.2, current 1, potential 0.5.
        result.Total.ShouldBe(Math.Round(0.2m * result.Experience) + result.Current + 50_000m);
        var read = CustomerValueResult.ReadExplanation(result.ExplanationJson())!;
        read.Contracts.Count.ShouldBe(3);
        read.Potential.Single().Amount.ShouldBe(100_000m);
        read.Total.Sum(p => p.Amount).ShouldBe(result.Total);
    }

    [Fact]
    public void ExplanationJson_IsExactlyWhatTheSerialiserWrites()
    {
        var options = HandOptions();
        options.PotentialRules = [new PotentialRule { Name = "annuity-gap", MinAge = 40, MaxAge = 65, MissingFamilies = [ProductFamily.Annuity], ExpectedProfit = 1_000_000m, TakeUpRate = 0.1m }];
        var computed = Calculator(options).Customer(new CustomerFacts(1, CustomerKind.Individual, new DateOnly(1980, 1, 1), 2), HandContracts());
        // Besides a computed one: no contracts, a contract without a curve, scales (1.0, 0.20), negative zero, large and odd labels.
        var made = computed with
        {
            Explanation = new CustomerValueExplanation("Acquisition \"new\" <b>", 0.20m, 1.0m, 0m, [
                new ContractValueExplanation(long.MaxValue, ProductFamily.Auto, ContractStatus.Lapsed, -0m, 123_456_789_012_345_678m,
                    [new ValueComponent("가입 × 1.5", -1.5m)], [], null),
                computed.Explanation.Contracts[0],
            ], [], [new ValueComponent("", 0m)]),
        };
        var serialiser = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

        foreach (var result in new[] { computed, made, computed with { Explanation = computed.Explanation with { Contracts = [] } } })
        {
            result.ExplanationJson().ShouldBe(System.Text.Json.JsonSerializer.Serialize(result.Explanation, serialiser));
        }
    }

    [Fact]
    public void Options_GradeSharesNotSummingToOne_AreRejected()
    {
        var options = new ValueOptions { GradeShares = [0.5m, 0.1m, 0.1m, 0.1m, 0.1m, 0.1m, 0.1m] };
        options.Problems().ShouldContain(p => p.Contains("GradeShares", StringComparison.Ordinal));
        new ValueOptions().Problems().ShouldBeEmpty();
    }
}
