namespace InsureCrm.Core.Policies;

/// <summary>The legal status transitions of a contract; anything else is refused.</summary>
public static class ContractLifecycle
{
    private static readonly ContractStatus[] LiveExits =
    [
        ContractStatus.Lapsed, ContractStatus.Surrendered, ContractStatus.Matured, ContractStatus.PaidUp,
        ContractStatus.TerminatedByClaim,
    ];

    private static readonly Dictionary<ContractStatus, ContractStatus[]> Allowed = new()
    {
        [ContractStatus.Applied] = [ContractStatus.InForce, ContractStatus.Cancelled],
        // Within the cooling-off period (청약철회) an in-force contract can still be withdrawn.
        [ContractStatus.InForce] = [.. LiveExits, ContractStatus.Cancelled],
        [ContractStatus.Reinstated] = LiveExits,
        [ContractStatus.Lapsed] = [ContractStatus.Reinstated, ContractStatus.Surrendered, ContractStatus.Matured],
        [ContractStatus.PaidUp] = [ContractStatus.Surrendered, ContractStatus.Matured, ContractStatus.TerminatedByClaim],
        [ContractStatus.Surrendered] = [],
        [ContractStatus.Matured] = [],
        [ContractStatus.TerminatedByClaim] = [],
        [ContractStatus.Cancelled] = [],
    };

    public static bool CanMove(ContractStatus from, ContractStatus to) => Allowed[from].Contains(to);

    public static IReadOnlyList<ContractStatus> NextStatuses(ContractStatus from) => Allowed[from];

    /// <summary>In force for value and persistency purposes (premium-paying or paid-up cover).</summary>
    public static bool IsActive(ContractStatus status) =>
        status is ContractStatus.InForce or ContractStatus.Reinstated or ContractStatus.PaidUp;

    public static bool IsTerminal(ContractStatus status) => Allowed[status].Length == 0;

    /// <summary>
    /// Moves the contract to <paramref name="to"/> and returns the history row to insert, or an error
    /// naming the illegal transition.
    /// </summary>
    public static (ContractStatusChange? Change, string? Error) Move(Contract contract, ContractStatus to, DateOnly effective, DateTime recordedAtUtc, string? reason)
    {
        if (!CanMove(contract.Status, to))
        {
            return (null, $"A contract cannot move from {contract.Status} to {to}.");
        }
        if (effective < contract.StatusDate)
        {
            return (null, $"The effective date {effective:yyyy-MM-dd} is before the current status date {contract.StatusDate:yyyy-MM-dd}.");
        }
        var change = new ContractStatusChange
        {
            ContractId = contract.Id,
            CustomerId = contract.CustomerId,
            FromStatus = contract.Status,
            ToStatus = to,
            EffectiveDate = effective,
            RecordedAt = recordedAtUtc,
            Reason = reason,
        };
        contract.Status = to;
        contract.StatusDate = effective;
        return (change, null);
    }
}
