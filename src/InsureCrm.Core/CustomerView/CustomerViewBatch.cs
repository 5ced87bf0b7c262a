using System.Collections.Concurrent;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;

namespace InsureCrm.Core.CustomerView;

/// <summary>The rows behind one customer view, as <see cref="CustomerViewBatch"/> reads them.</summary>
internal sealed record CustomerViewRows(
    Customer Customer,
    List<Household> Households,
    List<CustomerRelationship> Relationships,
    List<Contract> Contracts,
    List<ContractStatusChange> History,
    List<Claim> Claims,
    List<Loan> Loans,
    Dictionary<long, Product> Products,
    List<Interaction> Timeline,
    Dictionary<long, AgentRef> Agents,
    List<MarketingConsent> Consents,
    CustomerValueFacts Value,
    IReadOnlyList<CustomerModelScoreView> Scores,
    Dictionary<long, ContractModelScoreView> ContractScores,
    List<IdentityMerge> Merges,
    Dictionary<long, string> Names);

/// <summary>
/// Everything the customer view shows, in one command of many SELECTs read back as consecutive result sets: one
/// round trip instead of one per section (each costs far more in round trip than in rows). The sets that hang off
/// the contracts (roles, riders, history, claims, scores, products, agents, names) select their keys with a
/// subquery on the customer's id rather than a list the client sends back, and every lookup is an index probe
/// whatever the statistics say (<see cref="SqlBatch.In"/>). The small sets keyed by the customer (phones, emails,
/// addresses, source keys, households and their members, relationships, loans, consents, merges, the names of the
/// other customers the page shows) ride in JSON columns of the customer's own row (<see cref="SqlBatch.JsonRows"/>):
/// PostgreSQL pays per statement (executor start, plan cache, portal), not per row, so 11 statements fewer per view.
/// </summary>
internal static class CustomerViewBatch
{
    /// <summary>
    /// Runs <paramref name="gate"/> (<see cref="CustomerScope.ProbeStatement"/>) and then the page's statements in one
    /// command. The page's rows are read only when the probe lets the user in (a live customer in scope); otherwise
    /// they are left unread and only the probe comes back.
    /// </summary>
    public static async Task<(CustomerProbe? Probe, CustomerViewRows? Rows)> ReadAsync(CrmDbContext db, ProbeStatement gate, long id, int timelinePage,
        CancellationToken ct)
    {
        await using var batch = await db.ExecuteBatchAsync(CachedSql(db, gate.Sql),
            [.. gate.Parameters, db.Parameter("id", id), db.Parameter("page", timelinePage + 1), db.Parameter("lapse_model", ChampionScores.LapseModel)], ct);
        var r = batch.DbDataReader;
        var probe = await CustomerScope.ReadProbeAsync(r, ct);
        if (probe is not { MergedIntoId: null, InScope: true })
        {
            return (probe, null);
        }
        await r.NextAsync(ct);
        return (probe, await ReadRowsAsync(db, r, id, ct));
    }

    private static async Task<CustomerViewRows?> ReadRowsAsync(CrmDbContext db, System.Data.Common.DbDataReader r, long id, CancellationToken ct)
    {

        var pg = db.IsPostgres;
        var row = (await r.ReadRowsAsync(x => (Customer: new Customer
        {
            Id = x.GetInt64(0), Kind = x.GetEnum<CustomerKind>(1), Name = x.GetString(2), NameScript = x.GetEnum<NameScript>(3),
            RrnMasked = x.GetNullableString(4), BusinessNumber = x.GetNullableString(5), BirthDate = x.GetNullable<DateOnly>(6),
            Gender = x.GetEnum<Gender>(7), Occupation = x.GetNullableString(8), IncomeBand = x.GetEnum<IncomeBand>(9),
            MaritalStatus = x.GetEnum<MaritalStatus>(10), Children = x.GetNullable<int>(11),
            PreferredChannel = x.GetNullableEnum<ContactChannel>(12), PreferredContactTime = x.GetEnum<ContactTime>(13),
            CreatedAt = x.GetFieldValue<DateTime>(14), UpdatedAt = x.GetFieldValue<DateTime>(15), Version = x.GetInt32(16),
        }, Sets: Enumerable.Range(FoldedFrom, FoldedSets).Select(x.GetNullableString).ToArray()), ct)).FirstOrDefault();
        if (row.Customer is not { } customer)
        {
            return null;
        }
        var sets = row.Sets;
        customer.Phones = JsonRow.ReadAll(sets[0], pg, (ref x) => new CustomerPhone
        {
            Id = x.Long(), CustomerId = id, Kind = x.Enum<PhoneKind>(), Number = x.String(), IsPrimary = x.Bool(),
        });
        customer.Emails = JsonRow.ReadAll(sets[1], pg, (ref x) => new CustomerEmail
        {
            Id = x.Long(), CustomerId = id, Address = x.String(), IsPrimary = x.Bool(),
        });
        customer.Addresses = JsonRow.ReadAll(sets[2], pg, (ref x) => new CustomerAddress
        {
            Id = x.Long(), CustomerId = id, Kind = x.Enum<AddressKind>(), Sido = x.String(), Sigungu = x.String(),
            Line = x.String(), PostalCode = x.NullableString(), IsPrimary = x.Bool(),
        });
        customer.SourceKeys = JsonRow.ReadAll(sets[3], pg, (ref x) => new CustomerSourceKey
        {
            Id = x.Long(), CustomerId = id, SourceSystem = x.String(), SourceId = x.String(),
        });
        var households = JsonRow.ReadAll(sets[4], pg, (ref x) => new Household { Id = x.Long(), Name = x.String() });
        var members = JsonRow.ReadAll(sets[5], pg, (ref x) => new HouseholdMember
        {
            Id = x.Long(), HouseholdId = x.Long(), CustomerId = x.Long(), Role = x.Enum<HouseholdRole>(),
        });
        var membersOf = members.ToLookup(m => m.HouseholdId);
        foreach (var h in households)
        {
            h.Members = [.. membersOf[h.Id]];
        }
        var relationships = JsonRow.ReadAll(sets[6], pg, (ref x) => new CustomerRelationship
        {
            Id = x.Long(), CustomerId = id, RelatedCustomerId = x.Long(), Kind = x.Enum<RelationshipKind>(),
        });
        var loans = JsonRow.ReadAll(sets[7], pg, (ref x) => new Loan
        {
            Id = x.Long(), LoanNumber = x.String(), CustomerId = id, ProductId = x.Long(),
            Principal = x.Decimal(), Rate = x.Decimal(), Balance = x.Decimal(),
            Currency = x.String(), StartDate = x.Date(), MaturityDate = x.Date(),
            Status = x.Enum<LoanStatus>(), StatusDate = x.Date(), AgentId = x.NullableLong(),
            Version = x.Int(),
        });
        var consents = JsonRow.ReadAll(sets[8], pg, (ref x) => new MarketingConsent
        {
            Id = x.Long(), CustomerId = id, Channel = x.Enum<ContactChannel>(), Granted = x.Bool(),
            NightTimeAllowed = x.Bool(), Source = x.String(), RecordedAt = x.DateTime(),
            EffectiveFrom = x.Date(), ExpiresOn = x.NullableDate(),
        });
        var merges = JsonRow.ReadAll(sets[9], pg, (ref x) => new IdentityMerge
        {
            Id = x.Long(), SurvivorId = x.Long(), MergedId = x.Long(), Rule = x.Enum<MergeRule>(),
            MergedAt = x.DateTime(), MergedBy = x.String(), UndoneAt = x.NullableDateTime(),
        });
        var names = JsonRow.ReadAll(sets[10], pg, (ref x) => (Id: x.Long(), Name: x.String())).ToDictionary(n => n.Id, n => n.Name);

        await r.NextAsync(ct);
        var contracts = await r.ReadRowsAsync(x => new Contract
        {
            Id = x.GetInt64(0), ContractNumber = x.GetString(1), ProductId = x.GetInt64(2), CustomerId = x.GetInt64(3),
            SumAssured = x.GetFieldValue<decimal>(4), Premium = x.GetFieldValue<decimal>(5), Currency = x.GetString(6),
            PaymentMode = x.GetEnum<PaymentMode>(7), PaymentMethod = x.GetEnum<PaymentMethod>(8),
            IssueDate = x.GetFieldValue<DateOnly>(9), MaturityDate = x.GetNullable<DateOnly>(10),
            SellingAgentId = x.GetNullable<long>(11), ServicingAgentId = x.GetNullable<long>(12), Channel = x.GetEnum<SalesChannel>(13),
            Status = x.GetEnum<ContractStatus>(14), StatusDate = x.GetFieldValue<DateOnly>(15), Version = x.GetInt32(16),
        }, ct);
        var byId = contracts.ToDictionary(k => k.Id);
        await r.NextAsync(ct);
        foreach (var role in await r.ReadRowsAsync(x => new ContractRole
        {
            Id = x.GetInt64(0), ContractId = x.GetInt64(1), CustomerId = x.GetInt64(2), Role = x.GetEnum<ContractRoleKind>(3),
            SharePercent = x.GetNullable<decimal>(4),
        }, ct))
        {
            byId[role.ContractId].Roles.Add(role);
        }
        await r.NextAsync(ct);
        foreach (var rider in await r.ReadRowsAsync(x => new ContractRider
        {
            Id = x.GetInt64(0), ContractId = x.GetInt64(1), ProductId = x.GetInt64(2),
            SumAssured = x.GetFieldValue<decimal>(3), Premium = x.GetFieldValue<decimal>(4),
        }, ct))
        {
            byId[rider.ContractId].Riders.Add(rider);
        }
        await r.NextAsync(ct);
        var history = await r.ReadRowsAsync(x => new ContractStatusChange
        {
            Id = x.GetInt64(0), ContractId = x.GetInt64(1), FromStatus = x.GetNullableEnum<ContractStatus>(2),
            ToStatus = x.GetEnum<ContractStatus>(3), EffectiveDate = x.GetFieldValue<DateOnly>(4),
            RecordedAt = x.GetFieldValue<DateTime>(5), Reason = x.GetNullableString(6),
        }, ct);
        await r.NextAsync(ct);
        var claims = await r.ReadRowsAsync(x => new Claim
        {
            Id = x.GetInt64(0), ContractId = x.GetInt64(1), ClaimNumber = x.GetString(2), Cause = x.GetString(3),
            ClaimDate = x.GetFieldValue<DateOnly>(4), PaidDate = x.GetNullable<DateOnly>(5),
            AmountPaid = x.GetFieldValue<decimal>(6), Currency = x.GetString(7),
        }, ct);
        await r.NextAsync(ct);
        var products = (await r.ReadRowsAsync(x => new Product
        {
            Id = x.GetInt64(0), Code = x.GetString(1), Name = x.GetString(2), Line = x.GetEnum<ProductLine>(3), Family = x.GetEnum<ProductFamily>(4),
        }, ct)).ToDictionary(p => p.Id);

        await r.NextAsync(ct);
        var timeline = await r.ReadRowsAsync(x => new Interaction
        {
            Id = x.GetInt64(0), CustomerId = id, OccurredAt = x.GetFieldValue<DateTime>(1), Channel = x.GetEnum<InteractionChannel>(2),
            Direction = x.GetEnum<InteractionDirection>(3), Purpose = x.GetEnum<InteractionPurpose>(4), Outcome = x.GetEnum<InteractionOutcome>(5),
            AgentId = x.GetNullable<long>(6), StaffUser = x.GetNullableString(7), Notes = x.GetNullableString(8),
        }, ct);
        await r.NextAsync(ct);
        var agents = (await r.ReadRowsAsync(x => new AgentRef(x.GetInt64(0), x.GetString(1), x.GetString(2), x.GetEnum<AgentKind>(3),
            x.GetEnum<AgentStatus>(4), x.GetString(5), x.GetString(6)), ct)).ToDictionary(a => a.Id);
        await r.NextAsync(ct);
        var value = await CustomerValueSection.ReadAsync(r, ct);
        await r.NextAsync(ct);
        var scores = await ChampionScores.ReadOfCustomerAsync(r, ct);
        await r.NextAsync(ct);
        var contractScores = await ChampionScores.ReadOfContractsAsync(r, ct);

        return new CustomerViewRows(customer, households, relationships, contracts, history, claims, loans, products, timeline, agents,
            consents, value, scores, contractScores, merges, names);
    }

    /// <summary>
    /// The batch's statements after the gate, in the order <see cref="ReadAsync"/> reads them. Parameters: <c>@id</c> the customer,
    /// <c>@page</c> the timeline rows to read (a page and one more, to know whether there is an older page),
    /// <c>@lapse_model</c> the contract score's model.
    /// </summary>
    private static string CachedSql(CrmDbContext db, string gate) => db.IsPostgres
        ? PostgresSql.GetOrAdd(gate, static (g, db) => g + ";\n" + Sql(db), db)
        : SqliteSql.GetOrAdd(gate, static (g, db) => g + ";\n" + Sql(db), db);

    // The customer's statement: its row, then the sets folded into JSON columns (phones, emails, addresses, source keys,
    // households, household members, relationships, loans, consents, merges, other customers' names), in this order.
    private const int FoldedFrom = 17;
    private const int FoldedSets = 11;

    // The text is the same for every customer: built once per provider and gate (one gate per kind of scope, a handful)
    // rather than on every view.
    private static readonly ConcurrentDictionary<string, string> PostgresSql = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> SqliteSql = new(StringComparer.Ordinal);

    private static string Sql(CrmDbContext db)
    {
        // The contracts in which the customer holds any role (the policyholder is also customer_id of the contract):
        // two indexed paths whose union the other statements probe by id.
        const string held = "SELECT id FROM contract WHERE customer_id = @id UNION SELECT contract_id FROM contract_role WHERE customer_id = @id";
        const string myHouseholds = "SELECT household_id FROM household_member WHERE customer_id = @id";
        // The agents the page names: contracts' selling and servicing agents, loans' agents and those of the timeline's first page.
        var agentIds = $"""
            SELECT selling_agent_id FROM contract WHERE {db.In("id", held)}
            UNION SELECT servicing_agent_id FROM contract WHERE {db.In("id", held)}
            UNION SELECT agent_id FROM loan WHERE customer_id = @id
            UNION SELECT agent_id FROM (SELECT agent_id FROM interaction WHERE customer_id = @id ORDER BY occurred_at DESC, id DESC LIMIT @page) t
            """;
        var productIds = $"""
            SELECT product_id FROM contract WHERE {db.In("id", held)}
            UNION SELECT product_id FROM contract_rider WHERE {db.In("contract_id", held)}
            UNION SELECT product_id FROM loan WHERE customer_id = @id
            """;
        // The other customers the page names: household members, related customers and the contracts' parties.
        var otherIds = $"""
            SELECT customer_id FROM household_member WHERE {db.In("household_id", myHouseholds)}
            UNION SELECT related_customer_id FROM customer_relationship WHERE customer_id = @id
            UNION SELECT customer_id FROM contract_role WHERE {db.In("contract_id", held)}
            UNION SELECT customer_id FROM contract WHERE {db.In("id", held)}
            """;
        return $"""
            SELECT id, kind, name, name_script, rrn_masked, business_number, birth_date, gender, occupation, income_band,
                marital_status, children, preferred_channel, preferred_contact_time, created_at, updated_at, version,
                {db.JsonRows("id, kind, number, is_primary", "customer_phone WHERE customer_id = @id")},
                {db.JsonRows("id, address, is_primary", "customer_email WHERE customer_id = @id")},
                {db.JsonRows("id, kind, sido, sigungu, line, postal_code, is_primary", "customer_address WHERE customer_id = @id")},
                {db.JsonRows("id, source_system, source_id", "customer_source_key WHERE customer_id = @id")},
                {db.JsonRows("id, name", $"household WHERE {db.In("id", myHouseholds)}")},
                {db.JsonRows("id, household_id, customer_id, role", $"household_member WHERE {db.In("household_id", myHouseholds)}")},
                {db.JsonRows("id, related_customer_id, kind", "customer_relationship WHERE customer_id = @id")},
                {db.JsonRows("id, loan_number, product_id, principal, rate, balance, currency, start_date, maturity_date, status, status_date, agent_id, version",
                    "loan WHERE customer_id = @id", "start_date, id")},
                {db.JsonRows("id, channel, granted, night_time_allowed, source, recorded_at, effective_from, expires_on", "marketing_consent WHERE customer_id = @id")},
                {db.JsonRows("id, survivor_id, merged_id, rule, merged_at, merged_by, undone_at", "identity_merge WHERE survivor_id = @id OR merged_id = @id",
                    "merged_at DESC, id")},
                {db.JsonRows("id, name", $"customer WHERE {db.In("id", otherIds)} AND id <> @id")}
            FROM customer WHERE id = @id;
            SELECT id, contract_number, product_id, customer_id, sum_assured, premium, currency, payment_mode, payment_method,
                issue_date, maturity_date, selling_agent_id, servicing_agent_id, channel, status, status_date, version
            FROM contract WHERE {db.In("id", held)} ORDER BY issue_date, id;
            SELECT id, contract_id, customer_id, role, share_percent FROM contract_role WHERE {db.In("contract_id", held)} ORDER BY contract_id, id;
            SELECT id, contract_id, product_id, sum_assured, premium FROM contract_rider WHERE {db.In("contract_id", held)} ORDER BY contract_id, id;
            SELECT id, contract_id, from_status, to_status, effective_date, recorded_at, reason
            FROM contract_status_change WHERE {db.In("contract_id", held)} ORDER BY effective_date, id;
            SELECT id, contract_id, claim_number, cause, claim_date, paid_date, amount_paid, currency
            FROM claim WHERE {db.In("contract_id", held)} ORDER BY claim_date DESC, id;
            SELECT id, code, name, line, family FROM product WHERE {db.In("id", productIds)};
            SELECT id, occurred_at, channel, direction, purpose, outcome, agent_id, staff_user, notes
            FROM interaction WHERE customer_id = @id ORDER BY occurred_at DESC, id DESC LIMIT @page;
            SELECT a.id, a.code, a.name, a.kind, a.status, b.code, b.name
            FROM agent a JOIN branch b ON b.id = a.branch_id WHERE {db.In("a.id", agentIds)};
            {CustomerValueSection.Sql}
            {ChampionScores.OfCustomerSql}
            {ChampionScores.OfContractsSql(db.In("s.contract_id", held))}
            """;
    }
}
