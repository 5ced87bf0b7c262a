using System.Globalization;
using InsureCrm.Core.Policies;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Value;

/// <summary>Pricing assumptions of one product family (docs/value.md explains each default).</summary>
public sealed class FamilyAssumptions
{
    /// <summary>Administration expenses as a share of each premium received.</summary>
    public decimal ExpenseRate { get; set; }
    /// <summary>Acquisition commission as a multiple of the annual premium, paid once in year 1.</summary>
    public decimal AcquisitionMultiple { get; set; }
    /// <summary>Commission on premiums received from month 13 on, as a share of the premium.</summary>
    public decimal RenewalCommissionRate { get; set; }
    /// <summary>Expected claims (benefits, mortality) per month as a share of the sum assured.</summary>
    public decimal MonthlyClaimRate { get; set; }

    public FamilyAssumptions() { }

    public FamilyAssumptions(decimal expense, decimal acquisition, decimal renewal, decimal claims)
    {
        ExpenseRate = expense;
        AcquisitionMultiple = acquisition;
        RenewalCommissionRate = renewal;
        MonthlyClaimRate = claims;
    }
}

/// <summary>Weights of the three parts in the total for one strategic purpose.</summary>
public sealed class ValueWeights
{
    public decimal Experience { get; set; }
    public decimal Current { get; set; } = 1m;
    public decimal Potential { get; set; }
}

/// <summary>
/// A product-gap rule of the potential value: an individual customer whose age is in
/// [<see cref="MinAge"/>, <see cref="MaxAge"/>], who holds no active contract of any of
/// <see cref="MissingFamilies"/> (and has children where <see cref="RequiresChildren"/>), is worth
/// <see cref="ExpectedProfit"/> × <see cref="TakeUpRate"/>.
/// </summary>
public sealed class PotentialRule
{
    public string Name { get; set; } = "";
    public int MinAge { get; set; }
    public int MaxAge { get; set; } = 120;
    public List<ProductFamily> MissingFamilies { get; set; } = [];
    public bool RequiresChildren { get; set; }
    /// <summary>Expected lifetime profit in KRW of a typical contract of the product offered.</summary>
    public decimal ExpectedProfit { get; set; }
    /// <summary>Share of such customers expected to take the product up.</summary>
    public decimal TakeUpRate { get; set; }
}

/// <summary>Options of the <c>Value</c> section: the assumptions of the lifetime-value engine.</summary>
public sealed class ValueOptions
{
    public const string Section = "Value";

    /// <summary>Configured assumptions per family; families not listed use <see cref="DefaultFamilies"/>.</summary>
    public Dictionary<ProductFamily, FamilyAssumptions> Families { get; set; } = [];
    /// <summary>Commission on a single (lump-sum) premium, as a share of it.</summary>
    public decimal SinglePremiumCommissionRate { get; set; } = 0.03m;
    /// <summary>Annual discount rate of the current value.</summary>
    public decimal DiscountRate { get; set; } = 0.045m;
    /// <summary>Projection horizon of the current value, in years.</summary>
    public int HorizonYears { get; set; } = 20;
    /// <summary>A family with fewer contracts than this uses the curve of all families pooled.</summary>
    public int MinContractsForCurve { get; set; } = 200;
    /// <summary>Annual lapse rate assumed when even the pooled history is too thin.</summary>
    public decimal FallbackAnnualLapseRate { get; set; } = 0.08m;
    /// <summary>Weights per strategic purpose; <see cref="Purpose"/> picks the one stored as the total.</summary>
    public Dictionary<string, ValueWeights> Purposes { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Retention"] = new() { Experience = 0.2m, Current = 1m, Potential = 0.5m },
        ["Acquisition"] = new() { Experience = 0m, Current = 0.5m, Potential = 1m },
        ["CrossSell"] = new() { Experience = 0.1m, Current = 0.5m, Potential = 1m },
    };
    public string Purpose { get; set; } = "Retention";
    /// <summary>Configured gap rules; when empty, <see cref="DefaultPotentialRules"/>.</summary>
    public List<PotentialRule> PotentialRules { get; set; } = [];
    /// <summary>Configured grade shares A..G from the top; when empty, <see cref="DefaultGradeShares"/>.</summary>
    public List<decimal> GradeShares { get; set; } = [];
    /// <summary>Customers computed and written per chunk.</summary>
    public int ChunkSize { get; set; } = 2000;

    public static IReadOnlyList<decimal> DefaultGradeShares { get; } = [0.01m, 0.04m, 0.05m, 0.10m, 0.10m, 0.30m, 0.40m];

    public static IReadOnlyDictionary<ProductFamily, FamilyAssumptions> DefaultFamilies { get; } = new Dictionary<ProductFamily, FamilyAssumptions>
    {
        [ProductFamily.WholeLife] = new(0.10m, 1.2m, 0.03m, 0.0014m),
        [ProductFamily.VariableWholeLife] = new(0.10m, 1.2m, 0.03m, 0.0010m),
        [ProductFamily.Variable] = new(0.06m, 0.8m, 0.02m, 0.0040m),
        [ProductFamily.Universal] = new(0.10m, 1.2m, 0.03m, 0.0008m),
        [ProductFamily.CriticalIllness] = new(0.12m, 1.5m, 0.03m, 0.0015m),
        [ProductFamily.Health] = new(0.15m, 1.0m, 0.03m, 0.0008m),
        [ProductFamily.Cancer] = new(0.15m, 1.2m, 0.03m, 0.0009m),
        [ProductFamily.Accident] = new(0.15m, 0.8m, 0.03m, 0.00025m),
        [ProductFamily.Annuity] = new(0.05m, 0.6m, 0.01m, 0.0015m),
        [ProductFamily.Savings] = new(0.05m, 0.5m, 0.01m, 0.0040m),
        [ProductFamily.Child] = new(0.15m, 1.0m, 0.03m, 0.0006m),
        [ProductFamily.Auto] = new(0.18m, 0.10m, 0.08m, 0.00020m),
        [ProductFamily.Fire] = new(0.15m, 0.5m, 0.05m, 0.00004m),
        [ProductFamily.CreditLoan] = new(0m, 0m, 0m, 0m),
        [ProductFamily.SecuredLoan] = new(0m, 0m, 0m, 0m),
    };

    public static IReadOnlyList<PotentialRule> DefaultPotentialRules { get; } =
    [
        new() { Name = "health-gap", MinAge = 25, MaxAge = 60, MissingFamilies = [ProductFamily.Health, ProductFamily.CriticalIllness, ProductFamily.Cancer], ExpectedProfit = 1_200_000m, TakeUpRate = 0.08m },
        new() { Name = "annuity-gap", MinAge = 40, MaxAge = 65, MissingFamilies = [ProductFamily.Annuity], ExpectedProfit = 1_500_000m, TakeUpRate = 0.05m },
        new() { Name = "whole-life-for-children", MinAge = 25, MaxAge = 60, RequiresChildren = true, MissingFamilies = [ProductFamily.WholeLife, ProductFamily.VariableWholeLife, ProductFamily.Universal], ExpectedProfit = 2_500_000m, TakeUpRate = 0.06m },
    ];

    public FamilyAssumptions For(ProductFamily family) =>
        Families.TryGetValue(family, out var a) ? a : DefaultFamilies.TryGetValue(family, out var d) ? d : new FamilyAssumptions();

    public IReadOnlyList<PotentialRule> EffectiveRules => PotentialRules.Count > 0 ? PotentialRules : DefaultPotentialRules;

    public IReadOnlyList<decimal> EffectiveGradeShares => GradeShares.Count > 0 ? GradeShares : DefaultGradeShares;

    public ValueWeights Weights => Purposes.TryGetValue(Purpose, out var w) ? w : new ValueWeights();

    /// <summary>Everything wrong with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (DiscountRate is < 0m or > 1m)
        {
            problems.Add("Value:DiscountRate must be between 0 and 1.");
        }
        if (HorizonYears is < 1 or > 100)
        {
            problems.Add("Value:HorizonYears must be between 1 and 100.");
        }
        if (ChunkSize < 1)
        {
            problems.Add("Value:ChunkSize must be positive.");
        }
        if (FallbackAnnualLapseRate is < 0m or >= 1m)
        {
            problems.Add("Value:FallbackAnnualLapseRate must be in [0, 1).");
        }
        foreach (var (family, a) in Families)
        {
            if (a.ExpenseRate < 0m || a.AcquisitionMultiple < 0m || a.RenewalCommissionRate < 0m || a.MonthlyClaimRate is < 0m or > 1m)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"Value:Families:{family} has a negative rate or a claim rate above 1."));
            }
        }
        if (!Purposes.ContainsKey(Purpose))
        {
            problems.Add($"Value:Purpose '{Purpose}' has no weights in Value:Purposes.");
        }
        var shares = EffectiveGradeShares;
        if (shares.Count != 7 || shares.Any(s => s <= 0m) || shares.Sum() != 1m)
        {
            problems.Add("Value:GradeShares must be 7 positive shares (A..G) that sum to 1.");
        }
        foreach (var rule in EffectiveRules)
        {
            if (rule.TakeUpRate is < 0m or > 1m || rule.MinAge > rule.MaxAge || rule.MissingFamilies.Count == 0)
            {
                problems.Add($"Value:PotentialRules '{rule.Name}' needs missing families, MinAge <= MaxAge and a take-up rate in [0, 1].");
            }
        }
        return problems;
    }
}

internal sealed class ValueOptionsValidator : IValidateOptions<ValueOptions>
{
    public ValidateOptionsResult Validate(string? name, ValueOptions options) =>
        options.Problems() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;
}
