using InsureCrm.Core.Common;

namespace InsureCrm.Core.Policies;

public enum ProductLine { Life, NonLife, Loan }

public enum ProductFamily
{
    WholeLife, VariableWholeLife, Variable, Universal, CriticalIllness, Health, Cancer, Accident,
    Annuity, Savings, Child, Auto, Fire, CreditLoan, SecuredLoan,
}

public enum PaymentMode { Monthly, Quarterly, SemiAnnual, Annual, LumpSum }

public enum PaymentMethod { AutoDebit, Card, Giro, Cash, Payroll }

/// <summary>How the contract was sold.</summary>
public enum SalesChannel { Fc, Lt, Tc, Am, Fp, Bancassurance, Online }

public enum ContractStatus
{
    Applied, InForce, Lapsed, Reinstated, Surrendered, Matured, PaidUp, TerminatedByClaim, Cancelled,
}

public enum ContractRoleKind { Policyholder, Insured, Beneficiary }

public enum LoanStatus { Active, Delinquent, EarlyRepaid, MaturedRepaid }

public sealed class Product
{
    public long Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public ProductLine Line { get; set; }
    public ProductFamily Family { get; set; }
    /// <summary>A rider attaches to a main contract and is never sold alone.</summary>
    public bool IsRider { get; set; }
    public string Currency { get; set; } = "KRW";
    public int? TermYears { get; set; }
}

public sealed class Contract : IVersioned
{
    public long Id { get; set; }
    public string ContractNumber { get; set; } = "";
    public long ProductId { get; set; }
    /// <summary>The policyholder (계약자); the distribution key of contract data.</summary>
    public long CustomerId { get; set; }
    public decimal SumAssured { get; set; }
    public decimal Premium { get; set; }
    public string Currency { get; set; } = "KRW";
    public PaymentMode PaymentMode { get; set; }
    public PaymentMethod PaymentMethod { get; set; }
    public DateOnly IssueDate { get; set; }
    public DateOnly? MaturityDate { get; set; }
    /// <summary>
    /// The date up to which premiums are paid (납입기일, as the policy admin system exports it): the first unpaid premium
    /// falls due on it. Null when the source did not send it (unknown, not "nothing paid").
    /// </summary>
    public DateOnly? PaidToDate { get; set; }
    public long? SellingAgentId { get; set; }
    /// <summary>Servicing / collecting agent (수금설계사); null while the contract is orphaned.</summary>
    public long? ServicingAgentId { get; set; }
    public SalesChannel Channel { get; set; }
    public ContractStatus Status { get; set; }
    public DateOnly StatusDate { get; set; }
    public int Version { get; set; }

    public List<ContractRole> Roles { get; set; } = [];
    public List<ContractRider> Riders { get; set; } = [];
}

public sealed class ContractRole
{
    public long Id { get; set; }
    public long ContractId { get; set; }
    public long CustomerId { get; set; }
    public ContractRoleKind Role { get; set; }
    /// <summary>Beneficiary share in percent; null for other roles.</summary>
    public decimal? SharePercent { get; set; }
}

public sealed class ContractRider
{
    public long Id { get; set; }
    public long ContractId { get; set; }
    public long CustomerId { get; set; }
    public long ProductId { get; set; }
    public decimal SumAssured { get; set; }
    public decimal Premium { get; set; }
}

public sealed class ContractStatusChange : IAppendOnly
{
    public long Id { get; set; }
    public long ContractId { get; set; }
    public long CustomerId { get; set; }
    public ContractStatus? FromStatus { get; set; }
    public ContractStatus ToStatus { get; set; }
    public DateOnly EffectiveDate { get; set; }
    public DateTime RecordedAt { get; set; }
    public string? Reason { get; set; }
}

public sealed class Loan : IVersioned
{
    public long Id { get; set; }
    public string LoanNumber { get; set; } = "";
    public long CustomerId { get; set; }
    public long ProductId { get; set; }
    public decimal Principal { get; set; }
    /// <summary>Annual interest rate as a fraction (0.0525 = 5.25%).</summary>
    public decimal Rate { get; set; }
    public decimal Balance { get; set; }
    public string Currency { get; set; } = "KRW";
    public DateOnly StartDate { get; set; }
    public DateOnly MaturityDate { get; set; }
    public LoanStatus Status { get; set; }
    public DateOnly StatusDate { get; set; }
    public long? AgentId { get; set; }
    public int Version { get; set; }
}

public sealed class Claim
{
    public long Id { get; set; }
    public string ClaimNumber { get; set; } = "";
    public long ContractId { get; set; }
    public long CustomerId { get; set; }
    /// <summary>Short cause code: death, diagnosis, surgery, hospital, accident, auto, property.</summary>
    public string Cause { get; set; } = "";
    public DateOnly ClaimDate { get; set; }
    public DateOnly? PaidDate { get; set; }
    public decimal AmountPaid { get; set; }
    public string Currency { get; set; } = "KRW";
}
