using InsureCrm.Core.Common;

namespace InsureCrm.Core.Customers;

public enum CustomerKind { Individual, Corporate }

public enum NameScript { Hangul, Hanzi, Latin, Mixed }

public enum Gender { Unknown, Male, Female }

public enum MaritalStatus { Unknown, NeverMarried, Married, Divorced, Widowed }

/// <summary>Annual income bands in KRW (10,000 won units in the names).</summary>
public enum IncomeBand { Unknown, Under2000, From2000To4000, From4000To6000, From6000To8000, From8000To12000, Over12000 }

public enum ContactChannel { Visit, Phone, Sms, Email, Dm }

public enum ContactTime { Any, Morning, Afternoon, Evening, Weekend }

public enum PhoneKind { Mobile, Home, Work }

public enum AddressKind { Home, Work, Mailing }

public enum HouseholdRole { Head, Spouse, Child, Parent, Sibling, Other }

public enum RelationshipKind { Spouse, Child, Parent, Sibling, Other }

public sealed class Customer : IVersioned
{
    public long Id { get; set; }
    public CustomerKind Kind { get; set; }
    /// <summary>Full name as written by the customer (Hangul, Hanzi or Latin).</summary>
    public string Name { get; set; } = "";
    public NameScript NameScript { get; set; }
    public DateOnly? BirthDate { get; set; }
    public Gender Gender { get; set; }
    /// <summary>AES-GCM ciphertext of the resident registration number, prefixed by its key id.</summary>
    public string? RrnCipher { get; set; }
    /// <summary>Keyed hash (HMAC-SHA256) of the normalised RRN: exact search without decryption.</summary>
    public string? RrnHash { get; set; }
    /// <summary>Display form, e.g. 900101-1******.</summary>
    public string? RrnMasked { get; set; }
    /// <summary>Business registration number of a corporate customer.</summary>
    public string? BusinessNumber { get; set; }
    public string? Occupation { get; set; }
    public IncomeBand IncomeBand { get; set; }
    public MaritalStatus MaritalStatus { get; set; }
    public int? Children { get; set; }
    public ContactChannel? PreferredChannel { get; set; }
    public ContactTime PreferredContactTime { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Set when identity resolution merged this record into another customer.</summary>
    public long? MergedIntoId { get; set; }
    public int Version { get; set; }

    public List<CustomerPhone> Phones { get; set; } = [];
    public List<CustomerEmail> Emails { get; set; } = [];
    public List<CustomerAddress> Addresses { get; set; } = [];
    public List<CustomerSourceKey> SourceKeys { get; set; } = [];
}

public sealed class CustomerPhone
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public PhoneKind Kind { get; set; }
    /// <summary>Digits only, e.g. 01012345678.</summary>
    public string Number { get; set; } = "";
    /// <summary>The last four digits, computed by the database from <see cref="Number"/> and indexed: the call center's first search.</summary>
    public string NumberLast4 { get; private set; } = "";
    public bool IsPrimary { get; set; }
}

public sealed class CustomerEmail
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public string Address { get; set; } = "";
    public bool IsPrimary { get; set; }
}

public sealed class CustomerAddress
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public AddressKind Kind { get; set; }
    /// <summary>시/도, e.g. 서울특별시.</summary>
    public string Sido { get; set; } = "";
    /// <summary>시/군/구, e.g. 강남구.</summary>
    public string Sigungu { get; set; } = "";
    public string Line { get; set; } = "";
    public string? PostalCode { get; set; }
    public bool IsPrimary { get; set; }
}

/// <summary>Where a customer record came from: one row per (source system, key) ever seen.</summary>
public sealed class CustomerSourceKey
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public string SourceSystem { get; set; } = "";
    public string SourceId { get; set; } = "";
}

public sealed class Household
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public List<HouseholdMember> Members { get; set; } = [];
}

/// <summary>A person may belong to several households (their parents' and their own).</summary>
public sealed class HouseholdMember
{
    public long Id { get; set; }
    public long HouseholdId { get; set; }
    public long CustomerId { get; set; }
    public HouseholdRole Role { get; set; }
}

/// <summary>A directed relationship: <see cref="RelatedCustomerId"/> is the customer's <see cref="Kind"/>.</summary>
public sealed class CustomerRelationship
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public long RelatedCustomerId { get; set; }
    public RelationshipKind Kind { get; set; }
}
