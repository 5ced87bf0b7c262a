using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Privacy;

/// <summary>
/// Everything held about one customer, for the customer (the JSON of a data-subject export). The RRN and
/// identifiers are in the clear here and only here; other people (family, co-insured) appear by id only.
/// </summary>
public sealed record SubjectExport(
    DateTime ExportedAt,
    long CustomerId,
    ExportIdentity Identity,
    ExportContact Contact,
    IReadOnlyList<ExportHousehold> Households,
    IReadOnlyList<ExportRelationship> Relationships,
    IReadOnlyList<ExportContract> Contracts,
    IReadOnlyList<ExportLoan> Loans,
    IReadOnlyList<ExportInteraction> Interactions,
    IReadOnlyList<ExportConsent> Consents,
    IReadOnlyList<ExportIdentifier> Identifiers,
    IReadOnlyList<ExportMerge> Merges,
    IReadOnlyList<SourceKeyView> SourceKeys,
    SubjectErasureView? Erasure,
    IReadOnlyList<UsageEntry> AccessLog);

public sealed record ExportIdentity(
    string Name, CustomerKind Kind, NameScript NameScript, string? Rrn, string? BusinessNumber, DateOnly? BirthDate, Gender Gender,
    string? Occupation, IncomeBand IncomeBand, MaritalStatus MaritalStatus, int? Children, ContactChannel? PreferredChannel,
    ContactTime PreferredContactTime, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ExportContact(IReadOnlyList<ExportPhone> Phones, IReadOnlyList<ExportEmail> Emails, IReadOnlyList<ExportAddress> Addresses);

public sealed record ExportPhone(PhoneKind Kind, string Number, bool IsPrimary);

public sealed record ExportEmail(string Address, bool IsPrimary);

public sealed record ExportAddress(AddressKind Kind, string Sido, string Sigungu, string Line, string? PostalCode, bool IsPrimary);

public sealed record ExportHousehold(long HouseholdId, string Name, HouseholdRole Role);

public sealed record ExportRelationship(long RelatedCustomerId, RelationshipKind Kind);

public sealed record ExportContract(
    string ContractNumber, string ProductCode, string ProductName, IReadOnlyList<ContractRoleKind> Roles, decimal? BeneficiarySharePercent,
    ContractStatus Status, DateOnly StatusDate, DateOnly IssueDate, DateOnly? MaturityDate, decimal SumAssured, decimal Premium, string Currency,
    PaymentMode PaymentMode, PaymentMethod PaymentMethod, SalesChannel Channel,
    IReadOnlyList<ExportRider> Riders, IReadOnlyList<ExportStatusChange> StatusHistory, IReadOnlyList<ExportClaim> Claims);

public sealed record ExportRider(string ProductCode, string ProductName, decimal SumAssured, decimal Premium);

public sealed record ExportStatusChange(ContractStatus? From, ContractStatus To, DateOnly EffectiveDate, string? Reason);

public sealed record ExportClaim(string ClaimNumber, string Cause, DateOnly ClaimDate, DateOnly? PaidDate, decimal AmountPaid, string Currency);

public sealed record ExportLoan(
    string LoanNumber, string ProductName, decimal Principal, decimal Rate, decimal Balance, string Currency,
    DateOnly StartDate, DateOnly MaturityDate, LoanStatus Status, DateOnly StatusDate);

public sealed record ExportInteraction(
    DateTime OccurredAt, InteractionChannel Channel, InteractionDirection Direction, InteractionPurpose Purpose, InteractionOutcome Outcome, string? Notes);

public sealed record ExportConsent(
    ContactChannel Channel, bool Granted, bool NightTimeAllowed, string Source, DateTime RecordedAt, DateOnly EffectiveFrom, DateOnly? ExpiresOn);

public sealed record ExportIdentifier(IdentifierKind Kind, string Value, string? BankCode, DateTime RecordedAt);

public sealed record ExportMerge(long SurvivorId, long MergedId, MergeRule Rule, DateTime MergedAt, DateTime? UndoneAt);
