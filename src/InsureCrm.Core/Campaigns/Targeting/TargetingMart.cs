using System.Diagnostics;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Targeting;

/// <summary>
/// The targeting mart (<c>customer_target</c>, migration 0025; docs/campaigns.md "The targeting mart"): one narrow row
/// per live customer with what a rule asks of them, so that a rule compiles to one scan of it. Built whole, in one
/// transaction, by the same statement text on both providers: by the nightly chain's <c>targeting</c> step, by
/// <c>insurecrm campaign mart refresh</c>, and by <see cref="EnsureAsync"/> when it is missing or was built from an
/// older value run than the newest completed one. Merges and erasures since the refresh apply live (the compiler's
/// <see cref="RuleCompiler.LiveCustomers"/>); everything else is as of the refresh, and the contact policy still
/// decides every contact at send time.
/// </summary>
internal static class TargetingMart
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The bit of each product family in <c>families</c> (its ordinal).</summary>
    internal static int FamilyBit(ProductFamily family) => 1 << (int)family;

    /// <summary>The OR of the bits of <paramref name="families"/> (names of <see cref="ProductFamily"/>).</summary>
    internal static int FamilyMask(IEnumerable<string> families) =>
        families.Aggregate(0, (mask, name) => mask | FamilyBit(Enum.Parse<ProductFamily>(name)));

    /// <summary>The mart's state; null when it was never built.</summary>
    public static async Task<TargetingMartState?> StateAsync(CrmDbContext db, CancellationToken ct)
    {
        await using var batch = await db.ExecuteBatchAsync(
            "SELECT as_of, refreshed_at, value_run_id, customers FROM customer_target_refresh WHERE id = 1", [], ct);
        var reader = batch.DbDataReader;
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new TargetingMartState(reader.GetFieldValue<DateOnly>(0), Utc(reader.GetFieldValue<DateTime>(1)),
            reader.IsDBNull(2) ? null : Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The mart, built first when it is missing or older than the newest completed value run (a value run outside the
    /// nightly chain, a new install). Concurrent callers in one process wait for one refresh.
    /// </summary>
    public static async Task<TargetingMartState> EnsureAsync(CrmDbContext db, DateTime now, DateOnly today, CancellationToken ct)
    {
        var latest = (await ValueRunReports.LatestRunAsync(db, ct))?.Id;
        if (await StateAsync(db, ct) is { } state && state.ValueRunId == latest)
        {
            return state;
        }
        await Gate.WaitAsync(ct);
        try
        {
            if (await StateAsync(db, ct) is { } again && again.ValueRunId == latest)
            {
                return again;
            }
            return (await RefreshAsync(db, now, today, ct)).State;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Builds the mart again from the live tables, as of <paramref name="asOf"/> for consent, in one transaction.</summary>
    public static async Task<TargetingMartRefresh> RefreshAsync(CrmDbContext db, DateTime now, DateOnly asOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var watch = Stopwatch.StartNew();
        var run = await ValueRunReports.LatestRunAsync(db, ct);
        var postgres = db.IsPostgres;
        var timeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        long customers;
        try
        {
            var own = db.Database.CurrentTransaction is null;
            await using var tx = own ? await db.Database.BeginTransactionAsync(ct) : null;
            // TRUNCATE takes the table's lock until commit: a count during the night's refresh waits for it.
            await db.Database.ExecuteSqlRawAsync(postgres ? "TRUNCATE customer_target" : "DELETE FROM customer_target", ct);
            customers = await db.Database.ExecuteSqlRawAsync(InsertSql,
                [db.Parameter("vrun", run?.Id ?? -1L), db.Parameter("asOf", RuleCompiler.Date(postgres, asOf))], ct);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM customer_target_refresh", ct);
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO customer_target_refresh (id, as_of, refreshed_at, value_run_id, customers) VALUES (1, @asOf, @at, @vrun, @customers)",
                [db.Parameter("asOf", RuleCompiler.Date(postgres, asOf)), db.Parameter("at", RuleCompiler.Instant(postgres, now)),
                 db.Parameter("vrun", run is null ? DBNull.Value : run.Id), db.Parameter("customers", customers)], ct);
            if (postgres)
            {
                await db.Database.ExecuteSqlRawAsync("ANALYZE customer_target", ct);
            }
            if (tx is not null)
            {
                await tx.CommitAsync(ct);
            }
        }
        finally
        {
            db.Database.SetCommandTimeout(timeout);
        }
        return new TargetingMartRefresh(new TargetingMartState(asOf, now, run?.Id, customers), watch.Elapsed);
    }

    private static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();

    // Constants of the model, not user input: active contracts and loans (as RuleCompiler had them per customer).
    private const string ActiveContract = "k.status IN ('InForce', 'Reinstated', 'PaidUp')";

    private static string Families() =>
        "CASE pr.family " + string.Join(" ", Enum.GetValues<ProductFamily>().Select(f =>
            string.Create(CultureInfo.InvariantCulture, $"WHEN '{f}' THEN {FamilyBit(f)}"))) + " ELSE 0 END";

    private static string ConsentColumn(ContactChannel channel) =>
        $"COALESCE(MAX(CASE WHEN x.channel = '{channel}' THEN 1 END), 0) AS {channel.ToString().ToLowerInvariant()}";

    /// <summary>
    /// One INSERT … SELECT of every live customer, each set read once and grouped by customer. Consent in effect on
    /// <c>@asOf</c> is the contact policy's test: the newest row of the channel (by effective_from, then id) from on or
    /// before the date is a grant that has not expired. The agent is the servicing agent of the newest active contract.
    /// </summary>
    private static readonly string InsertSql = $"""
        INSERT INTO customer_target (customer_id, kind, gender, birth_date, active_contracts, families, orphaned, loan_active,
          agent_id, branch_id, grade, total_value, grid_cell, needs_group, strategy, lifecycle_insurance, lifecycle_loan, sido,
          has_email, has_mobile, has_phone, has_address, consent_visit, consent_phone, consent_sms, consent_email, consent_dm)
        WITH held AS (
          SELECT k.customer_id, count(*) AS active, SUM(DISTINCT {Families()}) AS families,
            MAX(CASE WHEN k.servicing_agent_id IS NULL THEN 1 ELSE 0 END) AS orphaned
          FROM contract k JOIN product pr ON pr.id = k.product_id WHERE {ActiveContract} GROUP BY k.customer_id),
        servicing AS (
          SELECT x.customer_id, x.servicing_agent_id FROM (
            SELECT k.customer_id, k.servicing_agent_id, ROW_NUMBER() OVER (PARTITION BY k.customer_id ORDER BY k.issue_date DESC, k.id DESC) AS n
            FROM contract k WHERE {ActiveContract} AND k.servicing_agent_id IS NOT NULL) x
          WHERE x.n = 1),
        consent AS (
          SELECT x.customer_id, {string.Join(", ", Enum.GetValues<ContactChannel>().Select(ConsentColumn))}
          FROM (SELECT m.customer_id, m.channel, m.granted, m.expires_on,
                  ROW_NUMBER() OVER (PARTITION BY m.customer_id, m.channel ORDER BY m.effective_from DESC, m.id DESC) AS n
                FROM marketing_consent m WHERE m.effective_from <= @asOf) x
          WHERE x.n = 1 AND x.granted AND (x.expires_on IS NULL OR x.expires_on > @asOf)
          GROUP BY x.customer_id),
        phones AS (SELECT p.customer_id, MAX(CASE WHEN p.kind = 'Mobile' THEN 1 ELSE 0 END) AS mobile FROM customer_phone p GROUP BY p.customer_id),
        emails AS (SELECT DISTINCT e.customer_id FROM customer_email e WHERE e.is_primary),
        addresses AS (SELECT a.customer_id, MIN(a.sido) AS sido FROM customer_address a WHERE a.is_primary GROUP BY a.customer_id),
        loans AS (SELECT DISTINCT l.customer_id FROM loan l WHERE l.status IN ('Active', 'Delinquent')),
        lifecycle AS (
          SELECT lc.customer_id, MAX(CASE WHEN lc.dimension = 'Insurance' THEN lc.state END) AS insurance,
            MAX(CASE WHEN lc.dimension = 'Loan' THEN lc.state END) AS loan
          FROM customer_lifecycle lc WHERE lc."until" IS NULL GROUP BY lc.customer_id)
        SELECT c.id, c.kind, c.gender, c.birth_date, COALESCE(h.active, 0), COALESCE(h.families, 0), COALESCE(h.orphaned, 0) = 1,
          lo.customer_id IS NOT NULL, sv.servicing_agent_id, g.branch_id, v.grade, CAST(v.total_value AS DOUBLE PRECISION),
          s.grid_cell, s.needs_group, s.strategy, lf.insurance, lf.loan, ad.sido,
          em.customer_id IS NOT NULL, COALESCE(ph.mobile, 0) = 1, ph.customer_id IS NOT NULL, ad.customer_id IS NOT NULL,
          COALESCE(cs.visit, 0) = 1, COALESCE(cs.phone, 0) = 1, COALESCE(cs.sms, 0) = 1, COALESCE(cs.email, 0) = 1, COALESCE(cs.dm, 0) = 1
        FROM customer c
        LEFT JOIN held h ON h.customer_id = c.id
        LEFT JOIN servicing sv ON sv.customer_id = c.id
        LEFT JOIN agent g ON g.id = sv.servicing_agent_id
        LEFT JOIN customer_value v ON v.run_id = @vrun AND v.customer_id = c.id
        LEFT JOIN customer_segment s ON s.run_id = @vrun AND s.customer_id = c.id
        LEFT JOIN lifecycle lf ON lf.customer_id = c.id
        LEFT JOIN addresses ad ON ad.customer_id = c.id
        LEFT JOIN emails em ON em.customer_id = c.id
        LEFT JOIN phones ph ON ph.customer_id = c.id
        LEFT JOIN consent cs ON cs.customer_id = c.id
        LEFT JOIN loans lo ON lo.customer_id = c.id
        WHERE c.merged_into_id IS NULL AND c.id NOT IN (SELECT e.customer_id FROM customer_erasure e)
        """;
}
