using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Value;

/// <summary>A customer's insurance relationship and loan relationship are tracked separately.</summary>
public enum LifecycleDimension { Insurance, Loan }

/// <summary>The lifecycle states of both dimensions; the rules decide which a customer is in.</summary>
public enum LifecycleState
{
    /// <summary>Prospect or interest customer (관심고객): holds and has held no contract.</summary>
    Prospect,
    New,
    SingleHolder,
    MultiHolder,
    Loyal,
    WholeLifeHolder,
    HealthAccidentHolder,
    SavingsHolder,
    CancerHolder,
    /// <summary>휴면고객: holds nothing active.</summary>
    Dormant,
    LapsedBySurrender,
    LapsedByMaturity,
    /// <summary>Never had a loan; a loan history row is only written once the customer has one.</summary>
    NoLoan,
    LoanNew,
    LoanActive,
    LoanEarlyRepaid,
    LoanMaturedRepaid,
}

/// <summary>How a customer's most recent contract (or loan) ended.</summary>
public enum ExitKind { Surrender, Maturity, Lapse, Claim, Cancellation, EarlyRepaid, MaturedRepaid }

/// <summary>
/// What the lifecycle rules see of one customer as of a date. Months are whole calendar months; null
/// where the event never happened.
/// </summary>
public sealed record LifecycleFacts(
    long CustomerId,
    int ContractsEver,
    int ActiveContracts,
    IReadOnlyDictionary<string, int> ActiveByGroup,
    int? TenureMonths,
    int? MonthsSinceLastNewContract,
    int? MonthsSinceLastExit,
    bool AnyLapse,
    ExitKind? LastExit,
    int LoansEver,
    int ActiveLoans,
    int? MonthsSinceLastLoanStart,
    ExitKind? LastLoanExit)
{
    public static LifecycleFacts None(long customerId) =>
        new(customerId, 0, 0, new Dictionary<string, int>(), null, null, null, false, null, 0, 0, null, null);

    public int ActiveIn(string group) => ActiveByGroup.TryGetValue(group, out var n) ? n : 0;
}

/// <summary>A contract as the fact builder needs it: its status as of the run date is already resolved.</summary>
internal readonly record struct ContractFact(long CustomerId, ProductFamily Family, DateOnly IssueDate, ContractStatus Status, DateOnly StatusDate, bool EverLapsed);

internal readonly record struct LoanFact(long CustomerId, DateOnly StartDate, LoanStatus Status, DateOnly StatusDate);

internal static class Months
{
    /// <summary>Whole calendar months from <paramref name="from"/> to <paramref name="to"/> (0 if to is earlier).</summary>
    public static int Between(DateOnly from, DateOnly to)
    {
        var months = ((to.Year - from.Year) * 12) + to.Month - from.Month - (to.Day < from.Day ? 1 : 0);
        return Math.Max(0, months);
    }
}
