using InsureCrm.Core.Policies;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Core.Value;

/// <summary>
/// One lifecycle rule: the state it names and the conditions the customer's facts must all meet. Unset
/// conditions are not checked. Rules are evaluated in order and the first match wins.
/// </summary>
public sealed class LifecycleRule
{
    public LifecycleState State { get; set; }
    public int? MinContractsEver { get; set; }
    public int? MaxContractsEver { get; set; }
    public int? MinActive { get; set; }
    public int? MaxActive { get; set; }
    /// <summary>A family group (see <see cref="LifecycleOptions.FamilyGroups"/>) that must hold at least <see cref="MinActiveInGroup"/> active contracts.</summary>
    public string? Group { get; set; }
    public int MinActiveInGroup { get; set; } = 1;
    public int? MinTenureMonths { get; set; }
    public int? MaxTenureMonths { get; set; }
    public int? MinMonthsSinceLastNew { get; set; }
    public int? MaxMonthsSinceLastNew { get; set; }
    public int? MinMonthsSinceLastExit { get; set; }
    public int? MaxMonthsSinceLastExit { get; set; }
    /// <summary>true: some contract lapsed or was surrendered; false: none ever did.</summary>
    public bool? AnyLapse { get; set; }
    public ExitKind? LastExit { get; set; }
    public int? MinLoansEver { get; set; }
    public int? MinActiveLoans { get; set; }
    public int? MaxActiveLoans { get; set; }
    public int? MaxMonthsSinceLastLoanStart { get; set; }
    public ExitKind? LastLoanExit { get; set; }

    public bool Matches(LifecycleFacts f) =>
        AtLeast(f.ContractsEver, MinContractsEver) && AtMost(f.ContractsEver, MaxContractsEver)
        && AtLeast(f.ActiveContracts, MinActive) && AtMost(f.ActiveContracts, MaxActive)
        && (Group is null || f.ActiveIn(Group) >= MinActiveInGroup)
        && AtLeast(f.TenureMonths, MinTenureMonths) && AtMost(f.TenureMonths, MaxTenureMonths)
        && AtLeast(f.MonthsSinceLastNewContract, MinMonthsSinceLastNew) && AtMost(f.MonthsSinceLastNewContract, MaxMonthsSinceLastNew)
        && AtLeast(f.MonthsSinceLastExit, MinMonthsSinceLastExit) && AtMost(f.MonthsSinceLastExit, MaxMonthsSinceLastExit)
        && (AnyLapse is null || f.AnyLapse == AnyLapse)
        && (LastExit is null || f.LastExit == LastExit)
        && AtLeast(f.LoansEver, MinLoansEver)
        && AtLeast(f.ActiveLoans, MinActiveLoans) && AtMost(f.ActiveLoans, MaxActiveLoans)
        && AtMost(f.MonthsSinceLastLoanStart, MaxMonthsSinceLastLoanStart)
        && (LastLoanExit is null || f.LastLoanExit == LastLoanExit);

    // A bound on a fact that never happened (null months) is not met: "tenure at least 60" needs a tenure.
    private static bool AtLeast(int? value, int? min) => min is null || (value is { } v && v >= min);

    private static bool AtMost(int? value, int? max) => max is null || (value is { } v && v <= max);
}

/// <summary>The <c>Value:Lifecycle</c> section: the ordered rules per dimension and the product family groups.</summary>
public sealed class LifecycleOptions
{
    public const string Section = "Value:Lifecycle";

    /// <summary>Insurance rules in order; empty means <see cref="DefaultInsuranceRules"/>.</summary>
    public List<LifecycleRule> InsuranceRules { get; set; } = [];
    /// <summary>Loan rules in order; empty means <see cref="DefaultLoanRules"/>.</summary>
    public List<LifecycleRule> LoanRules { get; set; } = [];
    /// <summary>Group name → product families; empty means <see cref="DefaultFamilyGroups"/>.</summary>
    public Dictionary<string, List<ProductFamily>> FamilyGroups { get; set; } = [];
    /// <summary>State when no insurance rule matches.</summary>
    public LifecycleState InsuranceFallback { get; set; } = LifecycleState.Prospect;
    /// <summary>State when no loan rule matches.</summary>
    public LifecycleState LoanFallback { get; set; } = LifecycleState.NoLoan;
    /// <summary>Customers per chunk of the runner.</summary>
    public int ChunkSize { get; set; } = 5000;

    // Lists are replaced, not merged: the configuration binder appends to a pre-filled list, so the
    // defaults live apart and apply only when the section leaves a list empty.
    public IReadOnlyList<LifecycleRule> EffectiveInsuranceRules => InsuranceRules.Count > 0 ? InsuranceRules : DefaultInsuranceRules;
    public IReadOnlyList<LifecycleRule> EffectiveLoanRules => LoanRules.Count > 0 ? LoanRules : DefaultLoanRules;
    public IReadOnlyDictionary<string, List<ProductFamily>> EffectiveFamilyGroups => FamilyGroups.Count > 0 ? FamilyGroups : DefaultFamilyGroups;

    public static LifecycleOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new LifecycleOptions();
        configuration.GetSection(Section).Bind(options);
        if (options.ChunkSize <= 0)
        {
            throw new InvalidOperationException($"{Section}:ChunkSize must be positive.");
        }
        return options;
    }

    public static readonly IReadOnlyDictionary<string, List<ProductFamily>> DefaultFamilyGroups = new Dictionary<string, List<ProductFamily>>
    {
        ["WholeLife"] = [ProductFamily.WholeLife, ProductFamily.VariableWholeLife],
        ["HealthAccident"] = [ProductFamily.Health, ProductFamily.Accident, ProductFamily.CriticalIllness],
        ["Savings"] = [ProductFamily.Savings, ProductFamily.Annuity, ProductFamily.Universal, ProductFamily.Variable],
        ["Cancer"] = [ProductFamily.Cancer],
    };

    public static readonly IReadOnlyList<LifecycleRule> DefaultInsuranceRules =
    [
        new() { State = LifecycleState.New, MinActive = 1, MaxTenureMonths = 11 },
        new() { State = LifecycleState.Loyal, MinActive = 2, MinTenureMonths = 60, AnyLapse = false },
        new() { State = LifecycleState.MultiHolder, MinActive = 2 },
        new() { State = LifecycleState.WholeLifeHolder, MinActive = 1, MaxActive = 1, Group = "WholeLife" },
        new() { State = LifecycleState.HealthAccidentHolder, MinActive = 1, MaxActive = 1, Group = "HealthAccident" },
        new() { State = LifecycleState.SavingsHolder, MinActive = 1, MaxActive = 1, Group = "Savings" },
        new() { State = LifecycleState.CancerHolder, MinActive = 1, MaxActive = 1, Group = "Cancer" },
        new() { State = LifecycleState.SingleHolder, MinActive = 1, MaxActive = 1 },
        new() { State = LifecycleState.Dormant, MinContractsEver = 1, MaxActive = 0, MinMonthsSinceLastExit = 24 },
        new() { State = LifecycleState.LapsedBySurrender, MinContractsEver = 1, MaxActive = 0, LastExit = ExitKind.Surrender },
        new() { State = LifecycleState.LapsedByMaturity, MinContractsEver = 1, MaxActive = 0, LastExit = ExitKind.Maturity },
        new() { State = LifecycleState.Dormant, MinContractsEver = 1, MaxActive = 0 },
    ];

    public static readonly IReadOnlyList<LifecycleRule> DefaultLoanRules =
    [
        new() { State = LifecycleState.LoanNew, MinActiveLoans = 1, MaxMonthsSinceLastLoanStart = 2 },
        new() { State = LifecycleState.LoanActive, MinActiveLoans = 1 },
        new() { State = LifecycleState.LoanEarlyRepaid, MinLoansEver = 1, LastLoanExit = ExitKind.EarlyRepaid },
        new() { State = LifecycleState.LoanMaturedRepaid, MinLoansEver = 1, LastLoanExit = ExitKind.MaturedRepaid },
    ];
}
