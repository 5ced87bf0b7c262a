using InsureCrm.Core.Agents;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Synthetic;

/// <summary>The tables the generator fills, in foreign-key order, with the columns of the 0001 migration.</summary>
internal static class SyntheticTables
{
    public static readonly BulkTable Branch = new("branch",
        ("id", typeof(long)), ("code", typeof(string)), ("name", typeof(string)), ("sido", typeof(string)), ("sigungu", typeof(string)));

    public static readonly BulkTable Agent = new("agent",
        ("id", typeof(long)), ("code", typeof(string)), ("name", typeof(string)), ("kind", typeof(AgentKind)), ("branch_id", typeof(long)),
        ("hire_date", typeof(DateOnly)), ("termination_date", typeof(DateOnly?)), ("status", typeof(AgentStatus)), ("version", typeof(int)));

    public static readonly BulkTable Product = new("product",
        ("id", typeof(long)), ("code", typeof(string)), ("name", typeof(string)), ("line", typeof(ProductLine)), ("family", typeof(ProductFamily)),
        ("is_rider", typeof(bool)), ("currency", typeof(string)), ("term_years", typeof(int?)));

    public static readonly BulkTable Customer = new("customer",
        ("id", typeof(long)), ("kind", typeof(CustomerKind)), ("name", typeof(string)), ("name_script", typeof(NameScript)),
        ("birth_date", typeof(DateOnly?)), ("gender", typeof(Gender)), ("rrn_cipher", typeof(string)), ("rrn_hash", typeof(string)),
        ("rrn_masked", typeof(string)), ("business_number", typeof(string)), ("occupation", typeof(string)), ("income_band", typeof(IncomeBand)),
        ("marital_status", typeof(MaritalStatus)), ("children", typeof(int?)), ("preferred_channel", typeof(ContactChannel?)),
        ("preferred_contact_time", typeof(ContactTime)), ("created_at", typeof(DateTime)), ("updated_at", typeof(DateTime)),
        ("merged_into_id", typeof(long?)), ("version", typeof(int)));

    public static readonly BulkTable Phone = new("customer_phone",
        ("id", typeof(long)), ("customer_id", typeof(long)), ("kind", typeof(PhoneKind)), ("number", typeof(string)), ("is_primary", typeof(bool)));

    public static readonly BulkTable Email = new("customer_email",
        ("id", typeof(long)), ("customer_id", typeof(long)), ("address", typeof(string)), ("is_primary", typeof(bool)));

    public static readonly BulkTable Address = new("customer_address",
        ("id", typeof(long)), ("customer_id", typeof(long)), ("kind", typeof(AddressKind)), ("sido", typeof(string)), ("sigungu", typeof(string)),
        ("line", typeof(string)), ("postal_code", typeof(string)), ("is_primary", typeof(bool)));

    public static readonly BulkTable SourceKey = new("customer_source_key",
        ("id", typeof(long)), ("customer_id", typeof(long)), ("source_system", typeof(string)), ("source_id", typeof(string)));

    public static readonly BulkTable Household = new("household",
        ("id", typeof(long)), ("name", typeof(string)), ("created_at", typeof(DateTime)));

    public static readonly BulkTable HouseholdMember = new("household_member",
        ("id", typeof(long)), ("household_id", typeof(long)), ("customer_id", typeof(long)), ("role", typeof(HouseholdRole)));

    public static readonly BulkTable Relationship = new("customer_relationship",
        ("id", typeof(long)), ("customer_id", typeof(long)), ("related_customer_id", typeof(long)), ("kind", typeof(RelationshipKind)));

    public static readonly BulkTable Consent = new("marketing_consent",
        ("id", typeof(long)), ("customer_id", typeof(long)), ("channel", typeof(ContactChannel)), ("granted", typeof(bool)),
        ("night_time_allowed", typeof(bool)), ("source", typeof(string)), ("recorded_at", typeof(DateTime)), ("effective_from", typeof(DateOnly)),
        ("expires_on", typeof(DateOnly?)));

    public static readonly BulkTable Contract = new("contract",
        ("id", typeof(long)), ("contract_number", typeof(string)), ("product_id", typeof(long)), ("customer_id", typeof(long)),
        ("sum_assured", typeof(decimal)), ("premium", typeof(decimal)), ("currency", typeof(string)), ("payment_mode", typeof(PaymentMode)),
        ("payment_method", typeof(PaymentMethod)), ("issue_date", typeof(DateOnly)), ("maturity_date", typeof(DateOnly?)),
        ("paid_to_date", typeof(DateOnly?)), ("selling_agent_id", typeof(long?)), ("servicing_agent_id", typeof(long?)), ("channel", typeof(SalesChannel)),
        ("status", typeof(ContractStatus)), ("status_date", typeof(DateOnly)), ("version", typeof(int)));

    public static readonly BulkTable Role = new("contract_role",
        ("id", typeof(long)), ("contract_id", typeof(long)), ("customer_id", typeof(long)), ("role", typeof(ContractRoleKind)),
        ("share_percent", typeof(decimal?)));

    public static readonly BulkTable Rider = new("contract_rider",
        ("id", typeof(long)), ("contract_id", typeof(long)), ("customer_id", typeof(long)), ("product_id", typeof(long)),
        ("sum_assured", typeof(decimal)), ("premium", typeof(decimal)));

    public static readonly BulkTable StatusChange = new("contract_status_change",
        ("id", typeof(long)), ("contract_id", typeof(long)), ("customer_id", typeof(long)), ("from_status", typeof(ContractStatus?)),
        ("to_status", typeof(ContractStatus)), ("effective_date", typeof(DateOnly)), ("recorded_at", typeof(DateTime)), ("reason", typeof(string)));

    public static readonly BulkTable Loan = new("loan",
        ("id", typeof(long)), ("loan_number", typeof(string)), ("customer_id", typeof(long)), ("product_id", typeof(long)),
        ("principal", typeof(decimal)), ("rate", typeof(decimal)), ("balance", typeof(decimal)), ("currency", typeof(string)),
        ("start_date", typeof(DateOnly)), ("maturity_date", typeof(DateOnly)), ("status", typeof(LoanStatus)), ("status_date", typeof(DateOnly)),
        ("agent_id", typeof(long?)), ("version", typeof(int)));

    public static readonly BulkTable Claim = new("claim",
        ("id", typeof(long)), ("claim_number", typeof(string)), ("contract_id", typeof(long)), ("customer_id", typeof(long)),
        ("cause", typeof(string)), ("claim_date", typeof(DateOnly)), ("paid_date", typeof(DateOnly?)), ("amount_paid", typeof(decimal)),
        ("currency", typeof(string)));

    public static readonly BulkTable Interaction = new("interaction",
        ("id", typeof(long)), ("customer_id", typeof(long)), ("occurred_at", typeof(DateTime)), ("channel", typeof(InteractionChannel)),
        ("direction", typeof(InteractionDirection)), ("purpose", typeof(InteractionPurpose)), ("outcome", typeof(InteractionOutcome)),
        ("agent_id", typeof(long?)), ("staff_user", typeof(string)), ("notes", typeof(string)), ("source_key", typeof(string)));

    /// <summary>A planted campaign's list (<c>GenerationOptions.Campaigns</c>): every member, arm and planned channel.</summary>
    public static readonly BulkTable CampaignMember = new("campaign_member",
        ("campaign_id", typeof(long)), ("customer_id", typeof(long)), ("arm", typeof(CampaignArm)), ("exclusion", typeof(MemberExclusion?)),
        ("stratum", typeof(string)), ("split_hash", typeof(long)), ("planned_channel", typeof(CampaignChannelKind?)), ("offer_id", typeof(long?)),
        ("agent_id", typeof(long?)), ("branch_id", typeof(long?)));

    /// <summary>A planted campaign's outbox: one contact per Test member, sent or blocked with the contact policy's reasons.</summary>
    public static readonly BulkTable CampaignContact = new("campaign_contact",
        ("id", typeof(long)), ("campaign_id", typeof(long)), ("customer_id", typeof(long)), ("channel", typeof(CampaignChannelKind)),
        ("attempt", typeof(int)), ("idem_key", typeof(string)), ("state", typeof(CampaignContactState)), ("reasons", typeof(string)),
        ("script_id", typeof(long?)), ("offer_id", typeof(long?)), ("agent_id", typeof(long?)), ("planned_at", typeof(DateTime)),
        ("sent_at", typeof(DateTime?)), ("message_ref", typeof(string)), ("outcome", typeof(CallOutcome?)), ("outcome_at", typeof(DateTime?)),
        ("outcome_by", typeof(string)));

    /// <summary>Per-customer tables in the order a chunk is written (parents before children).</summary>
    public static readonly BulkTable[] ChunkOrder =
    [
        Customer, Phone, Email, Address, SourceKey, Household, HouseholdMember, Relationship, Consent,
        Contract, Role, Rider, StatusChange, Loan, Claim, Interaction, CampaignMember, CampaignContact,
    ];

    public static readonly BulkTable[] All = [Branch, Agent, Product, .. ChunkOrder];

    /// <summary>The tables with an identity <c>id</c> column that the generator fills with explicit ids.</summary>
    public static readonly BulkTable[] WithIdentity = [.. All.Where(t => t.Columns[0].Column == "id")];
}

/// <summary>The rows of one chunk of customers, per table, plus their truth.</summary>
internal sealed class ChunkData
{
    private readonly Dictionary<BulkTable, List<object?[]>> _rows = SyntheticTables.ChunkOrder.ToDictionary(t => t, _ => new List<object?[]>());

    public int Index { get; init; }
    public int Customers { get; set; }
    public int Duplicates { get; set; }
    public List<string> CustomerTruth { get; } = [];
    /// <summary>Rows of <c>NAME.campaigns.csv</c> for this chunk's members of planted campaigns.</summary>
    public List<string> CampaignTruth { get; } = [];
    /// <summary>The chunk's members, contacts and true uplift per planted campaign (by <c>PlannedCampaign.Key</c>).</summary>
    public Dictionary<int, PlantedTally> CampaignTallies { get; } = [];

    public List<object?[]> this[BulkTable table] => _rows[table];

    public long RowCount => _rows.Values.Sum(r => (long)r.Count);
}
