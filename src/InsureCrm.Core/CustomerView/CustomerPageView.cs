using InsureCrm.Core.Agents;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;

namespace InsureCrm.Core.CustomerView;

/// <summary>
/// Everything the single customer view shows about one customer. RRN, phones and e-mail addresses are
/// masked (a permitted user unmasks one at a time, with a reason: <see cref="CustomerUnmask"/>);
/// address lines are left out for roles that do not see contact data.
/// </summary>
public sealed record CustomerPageView(
    CustomerIdentity Identity,
    CustomerContactDetails Contact,
    IReadOnlyList<CustomerAddressView> Addresses,
    IReadOnlyList<HouseholdView> Households,
    IReadOnlyList<RelationshipView> Relationships,
    IReadOnlyList<ContractGroupView> ContractsByRole,
    IReadOnlyList<LoanView> Loans,
    IReadOnlyList<RelatedAgentView> Agents,
    TimelinePage Timeline,
    IReadOnlyList<ConsentView> Consents,
    IReadOnlyList<SourceKeyView> SourceKeys,
    IReadOnlyList<MergeView> Merges,
    CustomerValueView? Value,
    IReadOnlyList<LifecycleView> Lifecycle,
    IReadOnlyList<ReservedSection> NotYetAvailable,
    CustomerSegmentView? Segment = null,
    IReadOnlyList<CustomerModelScoreView>? Scores = null);

public sealed record CustomerIdentity(
    long Id, string Name, CustomerKind Kind, NameScript NameScript, string? RrnMasked, string? BusinessNumber,
    DateOnly? BirthDate, Gender Gender, string? Occupation, IncomeBand IncomeBand, MaritalStatus MaritalStatus,
    int? Children, ContactChannel? PreferredChannel, ContactTime PreferredContactTime, DateTime CreatedAt,
    DateTime UpdatedAt, int Version);

public sealed record CustomerContactDetails(
    IReadOnlyList<PhoneView> Phones, IReadOnlyList<EmailView> Emails);

/// <summary>A phone in its masked form (010-****-5678); an edit may send the masked form back to keep it.</summary>
public sealed record PhoneView(long Id, PhoneKind Kind, string Masked, bool IsPrimary);

/// <summary>An e-mail address in its masked form (g***@example.com).</summary>
public sealed record EmailView(long Id, string Masked, bool IsPrimary);

/// <summary>An address; <see cref="Line"/> (street and number) is null for roles that do not see contact data.</summary>
public sealed record CustomerAddressView(long Id, AddressKind Kind, string Sido, string Sigungu, string? Line, string? PostalCode, bool IsPrimary);

public sealed record HouseholdView(long Id, string Name, HouseholdRole Role, IReadOnlyList<HouseholdMemberView> Members);

public sealed record HouseholdMemberView(long CustomerId, string Name, HouseholdRole Role);

public sealed record RelationshipView(long RelatedCustomerId, string Name, RelationshipKind Kind);

/// <summary>The contracts in which the customer holds one role.</summary>
public sealed record ContractGroupView(ContractRoleKind Role, IReadOnlyList<ContractView> Contracts);

public sealed record ContractView(
    long Id, string ContractNumber, string ProductCode, string ProductName, ProductLine Line, ProductFamily Family,
    ContractStatus Status, DateOnly StatusDate, decimal Premium, decimal SumAssured, string Currency,
    PaymentMode PaymentMode, PaymentMethod PaymentMethod, SalesChannel Channel, DateOnly IssueDate, DateOnly? MaturityDate,
    decimal? SharePercent, AgentRef? SellingAgent, AgentRef? ServicingAgent, bool Orphaned,
    IReadOnlyList<ContractPartyView> Parties, IReadOnlyList<RiderView> Riders,
    IReadOnlyList<StatusChangeView> StatusHistory, IReadOnlyList<ClaimView> Claims, int Version,
    ContractModelScoreView? LapseScore = null, DateOnly? PaidToDate = null);

public sealed record ContractPartyView(long CustomerId, string Name, ContractRoleKind Role, decimal? SharePercent);

public sealed record RiderView(string ProductCode, string ProductName, decimal SumAssured, decimal Premium);

public sealed record StatusChangeView(ContractStatus? From, ContractStatus To, DateOnly EffectiveDate, DateTime RecordedAt, string? Reason);

public sealed record ClaimView(string ClaimNumber, string Cause, DateOnly ClaimDate, DateOnly? PaidDate, decimal AmountPaid, string Currency);

public sealed record AgentRef(long Id, string Code, string Name, AgentKind Kind, AgentStatus Status, string BranchCode, string BranchName);

public sealed record LoanView(
    long Id, string LoanNumber, string ProductName, ProductFamily Family, decimal Principal, decimal Rate, decimal Balance,
    string Currency, DateOnly StartDate, DateOnly MaturityDate, LoanStatus Status, DateOnly StatusDate, AgentRef? Agent);

/// <summary>What ties an agent to the customer; one agent can be all three.</summary>
[Flags]
public enum AgentRelation { None = 0, Selling = 1, Servicing = 2, Loan = 4, Contact = 8 }

public sealed record RelatedAgentView(AgentRef Agent, AgentRelation Relation);

public sealed record InteractionView(
    long Id, DateTime OccurredAt, InteractionChannel Channel, InteractionDirection Direction, InteractionPurpose Purpose,
    InteractionOutcome Outcome, AgentRef? Agent, string? StaffUser, string? Notes);

/// <summary>Contact history, newest first; <see cref="Before"/> is the cursor of the older entries, if any.</summary>
public sealed record TimelinePage(IReadOnlyList<InteractionView> Items, string? Before);

/// <summary>The consent in force for one channel (the newest row).</summary>
public sealed record ConsentView(ContactChannel Channel, bool Granted, bool NightTimeAllowed, string Source, DateTime RecordedAt, DateOnly EffectiveFrom, DateOnly? ExpiresOn);

/// <summary>An identity merge that involved the customer, as survivor or as the merged record.</summary>
public sealed record MergeView(long SurvivorId, long MergedId, MergeRule Rule, DateTime MergedAt, string MergedBy, DateTime? UndoneAt);

/// <summary>Sections the view reserves for features that are not built yet.</summary>
public enum ReservedSection { Value, Segments, Scores, Complaints, Campaigns }

/// <summary>
/// The outcome of opening a customer: the view, or where a merged record went, or why not
/// (<see cref="Reach"/>: unknown and out-of-scope ids are both <see cref="Reach.NotFound"/>).
/// </summary>
public sealed record CustomerLookup(CustomerPageView? View, long? MergedIntoId, Reach Reach = Reach.Allowed)
{
    public static readonly CustomerLookup NotFound = new(null, null, Reach.NotFound);
    public static readonly CustomerLookup ReasonRequired = new(null, null, Reach.ReasonRequired);
    public static readonly CustomerLookup Forbidden = new(null, null, Reach.Forbidden);
    public bool Found => View is not null;
}

/// <summary>A page of older contact history, or why there is none.</summary>
public sealed record TimelineLookup(TimelinePage? Page, Reach Reach, bool BadCursor);
