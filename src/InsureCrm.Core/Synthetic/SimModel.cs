using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Synthetic;

/// <summary>Next ids per table; chunks are generated in order so ids are dense and deterministic.</summary>
internal sealed class IdCounters
{
    public long Customer;
    public long Phone;
    public long Email;
    public long Address;
    public long SourceKey;
    public long Household;
    public long HouseholdMember;
    public long Relationship;
    public long Consent;
    public long Contract;
    public long Role;
    public long Rider;
    public long StatusChange;
    public long Loan;
    public long Claim;
    public long Interaction;
    public long CampaignContact;
}

/// <summary>A person (or company) while it is being simulated; its rows are written when it is done.</summary>
internal sealed class SimPerson
{
    public long Id;
    public CustomerKind Kind;
    public string Name = "";
    public NameScript Script = NameScript.Hangul;
    public DateOnly? BirthDate;
    public Gender Gender;
    public Rrn? Rrn;
    public string? BusinessNumber;
    public MaritalStatus Marital;
    public DateOnly? MarriageDate;
    public List<DateOnly> ChildBirths = [];
    public string? Occupation;
    public IncomeBand Band;
    /// <summary>Hidden: personal income (KRW a year).</summary>
    public double Income;
    /// <summary>Hidden: household income that pays the premiums (KRW a year).</summary>
    public double HouseholdIncome;
    /// <summary>Hidden: engagement with the insurer, N(0, 1).</summary>
    public double Engagement;
    public int Sido;
    public string Sigungu = "";
    public int Branch;
    public string? Mobile;
    public string? Email;
    public DateOnly DeathDate = DateOnly.MaxValue;
    public DateOnly Acquisition;
    public bool IsAdult;
    public bool Prospect;
    public bool CarOwner;
    public SimPerson? Spouse;
    public List<SimPerson> ChildCustomers = [];
    public ContactChannel? PreferredChannel;
    public ContactTime PreferredTime;
    public bool SmsConsent;
    /// <summary>The marketing-consent rows written for this person (the bulk rows themselves), read by planted campaigns.</summary>
    public List<object?[]>? ConsentRows;
    /// <summary>Planted campaigns that reached this person as a Test member: their window raises the purchase hazard.</summary>
    public List<TreatedWindow>? Treated;

    // State of the simulation.
    public List<SimContract> Contracts = [];
    public List<SimLoan> Loans = [];
    public DateOnly LastContact = DateOnly.MinValue;
    public DateOnly LastTrouble = DateOnly.MinValue;
    public DateOnly? ComplaintDate;
    public DateOnly? ComplaintResolved;
    public Dictionary<long, (int Cs, DateOnly Date)>? OrphanFates;
    public DateOnly LastActivity;
    public bool InsuredSomewhere;

    // Truth at the truth date (the as-of date unless asked otherwise).
    public bool TruthTaken;
    public double PLapse;
    public double PPurchase;
    public double PLoan;
    public double Burden;
    public int ActiveContracts;
    public int OrphanedContracts;
    public bool UnresolvedComplaint;

    public bool IsAliveOn(DateOnly date) => DeathDate > date;

    public int AgeOn(DateOnly date)
    {
        if (BirthDate is not { } b)
        {
            return 40;
        }
        var age = date.Year - b.Year;
        return date < b.AddYears(age) ? age - 1 : age;
    }

    public void Touch(DateOnly date)
    {
        if (date > LastActivity)
        {
            LastActivity = date;
        }
    }
}

internal sealed class SimContract
{
    public long Id;
    public string Number = "";
    public ProductSpec Spec = null!;
    public SimPerson Insured = null!;
    public decimal Premium;
    public decimal SumAssured;
    public decimal RiderPremium;
    public PaymentMethod Method;
    public SalesChannel Channel;
    public DateOnly IssueDate;
    /// <summary>End of the first 24 months, when the early-lapse loading stops.</summary>
    public DateOnly EarlyUntil;
    public DateOnly? MaturityDate;
    public int Seller = -1;
    public int Servicing = -1;
    public bool ReassignedToCs;
    public int PendingCs = -1;
    public DateOnly PendingDate;
    public DateOnly? LapsedOn;
    /// <summary>Status and status date, moved only through <see cref="ContractLifecycle.Move"/>.</summary>
    public Contract State = new();
    /// <summary>
    /// The status on the truth date when a move dated after it has already been made (a new contract is
    /// issued or withdrawn days after its application, ahead of the month being simulated); null otherwise.
    /// </summary>
    public ContractStatus? StatusAtTruth;

    public ContractStatus Status => State.Status;

    public bool PremiumPaying => IsPremiumPaying(State.Status, Spec);

    public static bool IsPremiumPaying(ContractStatus status, ProductSpec spec) =>
        status is ContractStatus.InForce or ContractStatus.Reinstated
        && spec.Mode is PaymentMode.Monthly or PaymentMode.Quarterly or PaymentMode.SemiAnnual;

    public bool IsOpen => !ContractLifecycle.IsTerminal(State.Status);
}

internal sealed class SimLoan
{
    public long Id;
    public ProductSpec Spec = null!;
    public decimal Principal;
    public decimal Rate;
    public DateOnly Start;
    public DateOnly Maturity;
    public Policies.LoanStatus Status;
    public DateOnly StatusDate;
    public int Agent = -1;

    public bool IsOpen => Status is Policies.LoanStatus.Active or Policies.LoanStatus.Delinquent;
}

/// <summary>
/// A planted campaign's effect on one reached Test member: from <see cref="From"/> to <see cref="To"/> the purchase
/// hazard of <see cref="Families"/> is multiplied by exp(<see cref="Beta"/>). Its draws come from <see cref="Rng"/>, a
/// stream of its own seeded by (seed, campaign, customer), never from the chunk's.
/// </summary>
internal sealed class TreatedWindow(DateOnly from, DateOnly to, double beta, IReadOnlyList<ProductFamily> families, Random rng)
{
    public DateOnly From { get; } = from;
    public DateOnly To { get; } = to;
    public double Beta { get; } = beta;
    public IReadOnlyList<ProductFamily> Families { get; } = families;
    public Random Rng { get; } = rng;
}
