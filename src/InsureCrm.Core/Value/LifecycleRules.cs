using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Value;

/// <summary>Turns contract and loan rows into facts, and facts into states, by the configured rules.</summary>
internal sealed class LifecycleRules(LifecycleOptions options)
{
    private readonly Dictionary<ProductFamily, string> _groupOf = options.EffectiveFamilyGroups
        .SelectMany(g => g.Value.Select(f => (Family: f, Group: g.Key)))
        .GroupBy(x => x.Family)
        .ToDictionary(g => g.Key, g => g.First().Group);

    public LifecycleState InsuranceState(LifecycleFacts facts) =>
        options.EffectiveInsuranceRules.FirstOrDefault(r => r.Matches(facts))?.State ?? options.InsuranceFallback;

    public LifecycleState LoanState(LifecycleFacts facts) =>
        options.EffectiveLoanRules.FirstOrDefault(r => r.Matches(facts))?.State ?? options.LoanFallback;

    /// <summary>Facts of one customer as of <paramref name="asOf"/>; contracts and loans issued later are ignored.</summary>
    public LifecycleFacts Facts(long customerId, IEnumerable<ContractFact> contracts, IEnumerable<LoanFact> loans, DateOnly asOf)
    {
        var cs = contracts.Where(c => c.IssueDate <= asOf).ToList();
        var ls = loans.Where(l => l.StartDate <= asOf).ToList();
        var active = cs.Where(c => ContractLifecycle.IsActive(c.Status)).ToList();
        var byGroup = active
            .Select(c => _groupOf.TryGetValue(c.Family, out var g) ? g : null)
            .OfType<string>()
            .GroupBy(g => g, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var exited = cs.Where(c => !ContractLifecycle.IsActive(c.Status) && c.Status != ContractStatus.Applied)
            .OrderBy(c => c.StatusDate).ToList();
        var last = exited.Count > 0 ? exited[^1] : (ContractFact?)null;

        var activeLoans = ls.Count(l => l.Status is LoanStatus.Active or LoanStatus.Delinquent);
        var repaid = ls.Where(l => l.Status is LoanStatus.EarlyRepaid or LoanStatus.MaturedRepaid).OrderBy(l => l.StatusDate).ToList();

        return new LifecycleFacts(
            customerId,
            ContractsEver: cs.Count,
            ActiveContracts: active.Count,
            ActiveByGroup: byGroup,
            TenureMonths: cs.Count > 0 ? Months.Between(cs.Min(c => c.IssueDate), asOf) : null,
            MonthsSinceLastNewContract: cs.Count > 0 ? Months.Between(cs.Max(c => c.IssueDate), asOf) : null,
            MonthsSinceLastExit: last is { } l ? Months.Between(l.StatusDate, asOf) : null,
            AnyLapse: cs.Any(c => c.EverLapsed || c.Status is ContractStatus.Lapsed or ContractStatus.Surrendered),
            LastExit: last is { } x ? ExitOf(x.Status) : null,
            LoansEver: ls.Count,
            ActiveLoans: activeLoans,
            MonthsSinceLastLoanStart: ls.Count > 0 ? Months.Between(ls.Max(l => l.StartDate), asOf) : null,
            LastLoanExit: activeLoans > 0 || repaid.Count == 0 ? null
                : repaid[^1].Status == LoanStatus.EarlyRepaid ? ExitKind.EarlyRepaid : ExitKind.MaturedRepaid);
    }

    private static ExitKind ExitOf(ContractStatus status) => status switch
    {
        ContractStatus.Surrendered => ExitKind.Surrender,
        ContractStatus.Matured => ExitKind.Maturity,
        ContractStatus.TerminatedByClaim => ExitKind.Claim,
        ContractStatus.Cancelled => ExitKind.Cancellation,
        _ => ExitKind.Lapse,
    };
}
