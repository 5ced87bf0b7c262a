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
/// Everything the customer view shows, in one command of a few SELECTs read back as consecutive result sets: one
/// round trip instead of one per section (each costs far more in round trip than in rows). The sets that hang off
/// the contracts (scores, products, agents, names) select their keys with a subquery on the customer's id rather
/// than a list the client sends back, and every lookup is an index probe whatever the statistics say
/// (<see cref="SqlBatch.In"/>). PostgreSQL pays per statement (plan cache, executor start, portal), not per row, so
/// the small sets ride in JSON columns (<see cref="SqlBatch.JsonRows"/>): those keyed by the customer (phones,
/// emails, addresses, source keys, households and their members, relationships, loans, consents, merges, the names of
/// the other customers the page shows, products, agents) in the customer's own row, and each contract's roles,
/// riders, status history and claims in the contract's row. Seven statements a view, the gate included, where
/// there were 26.
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
        foreach (var p in gate.Parameters)
        {
            // EF names the gate's parameters after the variables they came from: one named like the batch's own would
            // bind the customer's id where the gate expects the user's agent or branch, or the other way round.
            if (p.ParameterName.TrimStart('@') is "id" or "page" or "lapse_model")
            {
                throw new InvalidOperationException($"The scope gate's parameter {p.ParameterName} has the name of one of the view's own.");
            }
        }
        await using var batch = await db.ExecuteBatchAsync(CachedSql(db, gate.Sql),
            [.. gate.Parameters, db.Parameter("id", id), db.Parameter("page", timelinePage + 1), db.Parameter("lapse_model", ChampionScores.LapseModel)], ct);
        var r = batch.DbDataReader;
        if (db.IsPostgres)
        {
            await r.NextAsync(ct);
        }
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

        var products = JsonRow.ReadAll(sets[11], pg, (ref x) => new Product
        {
            Id = x.Long(), Code = x.String(), Name = x.String(), Line = x.Enum<ProductLine>(), Family = x.Enum<ProductFamily>(),
        }).ToDictionary(p => p.Id);
        var agents = JsonRow.ReadAll(sets[12], pg, (ref x) => new AgentRef(x.Long(), x.String(), x.String(), x.Enum<AgentKind>(),
            x.Enum<AgentStatus>(), x.String(), x.String())).ToDictionary(a => a.Id);

        // The contracts, each with its roles, riders, status history and claims in JSON columns.
        await r.NextAsync(ct);
        var history = new List<ContractStatusChange>();
        var claims = new List<Claim>();
        var contracts = await r.ReadRowsAsync(x =>
        {
            var k = new Contract
            {
                Id = x.GetInt64(0), ContractNumber = x.GetString(1), ProductId = x.GetInt64(2), CustomerId = x.GetInt64(3),
                SumAssured = x.GetFieldValue<decimal>(4), Premium = x.GetFieldValue<decimal>(5), Currency = x.GetString(6),
                PaymentMode = x.GetEnum<PaymentMode>(7), PaymentMethod = x.GetEnum<PaymentMethod>(8),
                IssueDate = x.GetFieldValue<DateOnly>(9), MaturityDate = x.GetNullable<DateOnly>(10),
                SellingAgentId = x.GetNullable<long>(11), ServicingAgentId = x.GetNullable<long>(12), Channel = x.GetEnum<SalesChannel>(13),
                Status = x.GetEnum<ContractStatus>(14), StatusDate = x.GetFieldValue<DateOnly>(15), Version = x.GetInt32(16),
            };
            var contractId = k.Id;
            k.PaidToDate = x.GetNullable<DateOnly>(21);
            k.Roles = JsonRow.ReadAll(x.GetNullableString(17), pg, (ref y) => new ContractRole
            {
                Id = y.Long(), ContractId = contractId, CustomerId = y.Long(), Role = y.Enum<ContractRoleKind>(), SharePercent = y.NullableDecimal(),
            });
            k.Riders = JsonRow.ReadAll(x.GetNullableString(18), pg, (ref y) => new ContractRider
            {
                Id = y.Long(), ContractId = contractId, ProductId = y.Long(), SumAssured = y.Decimal(), Premium = y.Decimal(),
            });
            history.AddRange(JsonRow.ReadAll(x.GetNullableString(19), pg, (ref y) => new ContractStatusChange
            {
                Id = y.Long(), ContractId = contractId, FromStatus = y.NullableEnum<ContractStatus>(), ToStatus = y.Enum<ContractStatus>(),
                EffectiveDate = y.Date(), RecordedAt = y.DateTime(), Reason = y.NullableString(),
            }));
            claims.AddRange(JsonRow.ReadAll(x.GetNullableString(20), pg, (ref y) => new Claim
            {
                Id = y.Long(), ContractId = contractId, ClaimNumber = y.String(), Cause = y.String(), ClaimDate = y.Date(), PaidDate = y.NullableDate(),
                AmountPaid = y.Decimal(), Currency = y.String(),
            }));
            return k;
        }, ct);

        await r.NextAsync(ct);
        var timeline = await r.ReadRowsAsync(x => new Interaction
        {
            Id = x.GetInt64(0), CustomerId = id, OccurredAt = x.GetFieldValue<DateTime>(1), Channel = x.GetEnum<InteractionChannel>(2),
            Direction = x.GetEnum<InteractionDirection>(3), Purpose = x.GetEnum<InteractionPurpose>(4), Outcome = x.GetEnum<InteractionOutcome>(5),
            AgentId = x.GetNullable<long>(6), StaffUser = x.GetNullableString(7), Notes = x.GetNullableString(8),
        }, ct);
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
        ? PostgresSql.GetOrAdd(gate, static (g, db) => GenericPlans + g + ";\n" + Sql(db), db)
        : SqliteSql.GetOrAdd(gate, static (g, db) => g + ";\n" + Sql(db), db);

    // The customer's statement: its row, then the sets folded into JSON columns (phones, emails, addresses, source keys,
    // households, household members, relationships, loans, consents, merges, other customers' names, products, agents),
    // in this order.
    private const int FoldedFrom = 17;
    private const int FoldedSets = 13;

    // PostgreSQL plans a prepared statement for its parameters' values (a custom plan) on its first five runs, then
    // keeps doing so whenever the generic plan's estimate is not below the custom plans' average, which for these
    // statements (the same index probes either way) it is not: every view planned its statements again (pgbench,
    // one client, the customer's statement alone: 1.62 ms a run against 1.25 ms with generic plans). For the rest of
    // this batch's implicit transaction only (a local setting ends with it and never reaches the pooled connection's
    // next user), the cached generic plans are used.
    private const string GenericPlans = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true);\n";

    // The text is the same for every customer: built once per provider and gate (one gate per kind of scope, a handful)
    // rather than on every view.
    private static readonly ConcurrentDictionary<string, string> PostgresSql = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> SqliteSql = new(StringComparer.Ordinal);

    private static string Sql(CrmDbContext db)
    {
        // The contracts in which the customer holds any role (the policyholder is also customer_id of the contract):
        // two indexed paths whose union the other statements probe by id.
        const string held = "SELECT id FROM contract WHERE customer_id = @id UNION SELECT contract_id FROM contract_role WHERE customer_id = @id";
        // The customer's statement reads the sets that several of its columns need once, as materialised CTEs (each is
        // computed once per statement; as subqueries they were computed again in every column that used them): the held
        // contracts (`hk`, with the keys the page names), the members of the customer's households (`hm`), the loans
        // (`ln`) and the relationships (`rl`). 92 buffer reads for a customer with two contracts where there were 172
        // (pgbench, one client, generic plans, random customers of the 1M bench: 0.47 ms a run against 0.59 ms).
        var ctes = $"""
            WITH hk AS MATERIALIZED (SELECT id, customer_id, product_id, selling_agent_id, servicing_agent_id FROM contract WHERE {db.In("id", held)}),
            hm AS MATERIALIZED (SELECT id, household_id, customer_id, role FROM household_member
                WHERE {db.In("household_id", "SELECT household_id FROM household_member WHERE customer_id = @id")}),
            ln AS MATERIALIZED (SELECT id, loan_number, product_id, principal, rate, balance, currency, start_date, maturity_date, status,
                status_date, agent_id, version FROM loan WHERE customer_id = @id),
            rl AS MATERIALIZED (SELECT id, related_customer_id, kind FROM customer_relationship WHERE customer_id = @id)
            """;
        // The agents the page names: contracts' selling and servicing agents, loans' agents and those of the timeline's first page.
        const string agentIds = """
            SELECT selling_agent_id FROM hk
            UNION SELECT servicing_agent_id FROM hk
            UNION SELECT agent_id FROM ln
            UNION SELECT agent_id FROM (SELECT agent_id FROM interaction WHERE customer_id = @id ORDER BY occurred_at DESC, id DESC LIMIT @page) t
            """;
        var productIds = $"""
            SELECT product_id FROM hk
            UNION SELECT product_id FROM contract_rider WHERE {db.In("contract_id", "SELECT id FROM hk")}
            UNION SELECT product_id FROM ln
            """;
        // The other customers the page names: household members, related customers and the contracts' parties.
        var otherIds = $"""
            SELECT customer_id FROM hm
            UNION SELECT related_customer_id FROM rl
            UNION SELECT customer_id FROM contract_role WHERE {db.In("contract_id", "SELECT id FROM hk")}
            UNION SELECT customer_id FROM hk
            """;
        return $"""
            {ctes}
            SELECT id, kind, name, name_script, rrn_masked, business_number, birth_date, gender, occupation, income_band,
                marital_status, children, preferred_channel, preferred_contact_time, created_at, updated_at, version,
                {db.JsonRows("id, kind, number, is_primary", "customer_phone WHERE customer_id = @id")},
                {db.JsonRows("id, address, is_primary", "customer_email WHERE customer_id = @id")},
                {db.JsonRows("id, kind, sido, sigungu, line, postal_code, is_primary", "customer_address WHERE customer_id = @id")},
                {db.JsonRows("id, source_system, source_id", "customer_source_key WHERE customer_id = @id")},
                {db.JsonRows("id, name", $"household WHERE {db.In("id", "SELECT DISTINCT household_id FROM hm")}")},
                {db.JsonRows("id, household_id, customer_id, role", "hm")},
                {db.JsonRows("id, related_customer_id, kind", "rl")},
                {db.JsonRows("id, loan_number, product_id, principal, rate, balance, currency, start_date, maturity_date, status, status_date, agent_id, version",
                    "ln", "start_date, id")},
                {db.JsonRows("id, channel, granted, night_time_allowed, source, recorded_at, effective_from, expires_on", "marketing_consent WHERE customer_id = @id")},
                {db.JsonRows("id, survivor_id, merged_id, rule, merged_at, merged_by, undone_at", "identity_merge WHERE survivor_id = @id OR merged_id = @id",
                    "merged_at DESC, id")},
                {db.JsonRows("id, name", $"customer WHERE {db.In("id", otherIds)} AND id <> @id")},
                {db.JsonRows("id, code, name, line, family", $"product WHERE {db.In("id", productIds)}")},
                {db.JsonRows("a.id, a.code, a.name, a.kind, a.status, b.code, b.name", $"agent a JOIN branch b ON b.id = a.branch_id WHERE {db.In("a.id", agentIds)}")}
            FROM customer WHERE id = @id;
            SELECT k.id, k.contract_number, k.product_id, k.customer_id, k.sum_assured, k.premium, k.currency, k.payment_mode,
                k.payment_method, k.issue_date, k.maturity_date, k.selling_agent_id, k.servicing_agent_id, k.channel, k.status,
                k.status_date, k.version,
                {db.JsonRows("id, customer_id, role, share_percent", "contract_role WHERE contract_id = k.id", "id")},
                {db.JsonRows("id, product_id, sum_assured, premium", "contract_rider WHERE contract_id = k.id", "id")},
                {db.JsonRows("id, from_status, to_status, effective_date, recorded_at, reason", "contract_status_change WHERE contract_id = k.id",
                    "effective_date, id")},
                {db.JsonRows("id, claim_number, cause, claim_date, paid_date, amount_paid, currency", "claim WHERE contract_id = k.id",
                    "claim_date DESC, id")},
                k.paid_to_date
            FROM contract k WHERE {db.In("k.id", held)} ORDER BY k.issue_date, k.id;
            SELECT id, occurred_at, channel, direction, purpose, outcome, agent_id, staff_user, notes
            FROM interaction WHERE customer_id = @id ORDER BY occurred_at DESC, id DESC LIMIT @page;
            {CustomerValueSection.Sql}
            {ChampionScores.OfCustomerSql}
            {ChampionScores.OfContractsSql(db.In("s.contract_id", held))}
            """;
    }
}
