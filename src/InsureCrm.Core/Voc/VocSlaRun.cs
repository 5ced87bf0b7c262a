using System.Diagnostics;
using System.Globalization;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Voc;

/// <summary>What one SLA run did.</summary>
public sealed record VocSlaSummary(DateTime AsOf, int OpenedFromInbound, int Warned, int Escalated, TimeSpan Elapsed, bool Vacuumed = false);

/// <summary>
/// The SLA run (<c>voc sla run</c>, the nightly step <c>voc-sla</c>): first opens a case for every inbound contact of the call
/// center flagged for VOC that has none (so nothing logged on the console is lost), then compares the stored due times of all
/// open, running cases with the time, set-based: a Warned event and mark where the warning time has passed, an Escalated event
/// to the managing department's head and the breach mark where a clock ran out (one statement on PostgreSQL, four on SQLite). Safe to rerun: marked cases
/// are not marked again.
/// </summary>
public sealed class VocSlaRun(CrmDbContext db, VocIntake intake, TimeProvider time)
{
    public async Task<VocSlaSummary> RunAsync(DateTimeOffset? asOf, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var now = (asOf ?? time.GetUtcNow()).UtcDateTime;
        var opened = await SweepInboundAsync(ct);
        var (warned, escalated) = db.IsPostgres ? await MarkInOnePassAsync(now, ct) : await MarkAsync(now, ct);
        var vacuumed = false;
        if (db.IsPostgres && warned + escalated >= VacuumFrom && db.Database.CurrentTransaction is null)
        {
            // Each mark is a new version of the case's row, and clears its page's all-visible bit: the dashboard's index-only
            // scan of the twelve weeks (migration 0043) then reads the table for those pages, 0.9 s a page instead of 0.6 s at
            // 127,000 marks and 500,000 cases (bench/voc.sh), until autovacuum comes. VACUUM visits only the changed pages
            // (0.6 s there), outside a transaction, without blocking reads or writes.
            await db.Database.ExecuteSqlRawAsync("VACUUM voc_case", ct);
            vacuumed = true;
        }
        return new VocSlaSummary(now, opened, warned, escalated, watch.Elapsed, vacuumed);
    }

    /// <summary>The marks (warnings and escalations together) from which a run on PostgreSQL vacuums the case table.</summary>
    public const int VacuumFrom = 10_000;

    private const string Running = """ "state" NOT IN ('Resolved', 'Closed') AND "paused_at" IS NULL """;
    private const string Warn = """ "warned_at" IS NULL AND "warn_at" <= {0} """;
    private const string Breach = """ "escalated_at" IS NULL AND ("resolution_due_at" <= {0} OR ("first_responded_at" IS NULL AND "first_response_due_at" <= {0})) """;

    /// <summary>
    /// PostgreSQL: one statement, one pass. The running cases due a warning or an escalation are read once (through the partial
    /// index of open cases, migration 0043), each is updated once with both marks, and the events are written from what the
    /// update returned. The update checks again that the case is still running and still unmarked, so a case resolved or
    /// marked meanwhile gets neither mark nor event.
    /// </summary>
    private async Task<(int Warned, int Escalated)> MarkInOnePassAsync(DateTime now, CancellationToken ct)
    {
        const string Sql = """
            WITH due AS MATERIALIZED (
                SELECT "id", "warned_at" IS NULL AND "warn_at" <= @now AS "warn",
                       "escalated_at" IS NULL AND ("resolution_due_at" <= @now OR ("first_responded_at" IS NULL AND "first_response_due_at" <= @now)) AS "escalate"
                FROM "voc_case"
                WHERE "state" NOT IN ('Resolved', 'Closed') AND "paused_at" IS NULL
                  AND (("warned_at" IS NULL AND "warn_at" <= @now)
                       OR ("escalated_at" IS NULL AND ("resolution_due_at" <= @now OR ("first_responded_at" IS NULL AND "first_response_due_at" <= @now))))),
            marked AS (
                UPDATE "voc_case" c SET "warned_at" = COALESCE(c."warned_at", @now),
                    "escalated_at" = CASE WHEN d."escalate" THEN @now ELSE c."escalated_at" END,
                    "breached" = c."breached" OR d."escalate", "version" = c."version" + 1
                FROM due d
                WHERE c."id" = d."id" AND c."state" NOT IN ('Resolved', 'Closed') AND c."paused_at" IS NULL
                  AND ((d."warn" AND c."warned_at" IS NULL) OR (d."escalate" AND c."escalated_at" IS NULL))
                RETURNING c."id", c."managing_department_id", c."resolution_due_at" <= @now AS "on_resolution", d."warn", d."escalate"),
            events AS (
                INSERT INTO "voc_event" ("case_id", "kind", "at", "by", "to_department_id", "to_user_id", "note")
                SELECT "id", 'Warned', @now, 'system:sla', "managing_department_id", NULL, NULL FROM marked WHERE "warn"
                UNION ALL
                SELECT m."id", 'Escalated', @now, 'system:sla', m."managing_department_id", h."head_user_id",
                       CASE WHEN m."on_resolution" THEN 'resolution' ELSE 'first-response' END
                FROM marked m LEFT JOIN "voc_department" h ON h."id" = m."managing_department_id" WHERE m."escalate")
            SELECT COUNT(*) FILTER (WHERE "warn"), COUNT(*) FILTER (WHERE "escalate") FROM marked
            """;
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        try
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            var p = cmd.CreateParameter();
            p.ParameterName = "now";
            p.Value = now;
            cmd.Parameters.Add(p);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture));
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>SQLite (no UPDATE inside WITH): four statements in one transaction, each event written before the mark it describes.</summary>
    private async Task<(int Warned, int Escalated)> MarkAsync(DateTime now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "voc_event" ("case_id", "kind", "at", "by", "to_department_id", "note")
            SELECT "id", 'Warned', {0}, 'system:sla', "managing_department_id", NULL FROM "voc_case" WHERE
            """ + Running + " AND " + Warn, [now], ct);
        var warned = await db.Database.ExecuteSqlRawAsync("""
            UPDATE "voc_case" SET "warned_at" = {0}, "version" = "version" + 1 WHERE
            """ + Running + " AND " + Warn, [now], ct);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "voc_event" ("case_id", "kind", "at", "by", "to_department_id", "to_user_id", "note")
            SELECT c."id", 'Escalated', {0}, 'system:sla', c."managing_department_id", d."head_user_id",
                   CASE WHEN c."resolution_due_at" <= {0} THEN 'resolution' ELSE 'first-response' END
            FROM "voc_case" c LEFT JOIN "voc_department" d ON d."id" = c."managing_department_id"
            WHERE c."id" IN (SELECT "id" FROM "voc_case" WHERE
            """ + Running + " AND " + Breach + ")", [now], ct);
        var escalated = await db.Database.ExecuteSqlRawAsync("""
            UPDATE "voc_case" SET "escalated_at" = {0}, "breached" = {1}, "warned_at" = COALESCE("warned_at", {0}), "version" = "version" + 1 WHERE
            """ + Running + " AND " + Breach, [now, true], ct);
        await tx.CommitAsync(ct);
        return (warned, escalated);
    }

    /// <summary>Opens a case for each inbound contact flagged for VOC without one; returns how many.</summary>
    public async Task<int> SweepInboundAsync(CancellationToken ct = default)
    {
        // The contacts without a case first (an anti-join over two indexes), their notes only for those: when nothing is pending
        // (the usual night) no interaction is read, however many contacts were flagged before.
        var flagged = db.InboundContacts.AsNoTracking()
            .Where(i => i.VocRequested && !db.Set<VocCase>().Any(c => c.InboundContactId == i.Id))
            .OrderBy(i => i.Id).Take(10_000);
        var pending = await (from i in flagged
                             join n in db.Interactions.AsNoTracking() on i.InteractionId equals n.Id into notes
                             from n in notes.DefaultIfEmpty()
                             orderby i.Id
                             select new { i.Id, i.CustomerId, i.ReasonCode, i.LoggedAt, Notes = n == null ? null : n.Notes }).ToListAsync(ct);
        var opened = 0;
        foreach (var p in pending)
        {
            var result = await intake.OpenAsync(new VocIntakeRequest(VocChannel.CallCenter, VocType.Complaint, CategoryOfReason(p.ReasonCode), VocSeverity.Normal,
                null, string.IsNullOrWhiteSpace(p.Notes) ? "콜센터 인바운드 불만 접수 (" + p.ReasonCode + ")" : p.Notes)
            {
                CustomerId = p.CustomerId, InboundContactId = p.Id, ReceivedAt = new DateTimeOffset(DateTime.SpecifyKind(p.LoggedAt, DateTimeKind.Utc)),
                ExternalRef = "inbound:" + p.Id.ToString(CultureInfo.InvariantCulture),
            }, null, ct);
            if (result.Status == VocIntakeStatus.Opened)
            {
                opened++;
            }
        }
        return opened;
    }

    /// <summary>The VOC category of an inbound console reason (<c>complaint.claim</c> → <c>claims</c>...).</summary>
    public static string? CategoryOfReason(string? reasonCode) => reasonCode switch
    {
        "complaint.mis-selling" => "misselling",
        "complaint.claim" => "claims",
        "complaint.agent" => "agent",
        "complaint.service" => "service",
        { } r when r.StartsWith("claim.", StringComparison.Ordinal) => "claims",
        { } r when r.StartsWith("payment.", StringComparison.Ordinal) || r.StartsWith("cancel.", StringComparison.Ordinal) => "payment",
        { } r when r.StartsWith("product.", StringComparison.Ordinal) => "product",
        _ => "service",
    };

    /// <summary>One line for the nightly summary and the CLI.</summary>
    public static string Describe(VocSlaSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"VOC SLA as of {s.AsOf:yyyy-MM-dd HH:mm} UTC: {s.OpenedFromInbound} cases opened from the call center's inbound contacts, {s.Warned} warned, {s.Escalated} escalated on breach{(s.Vacuumed ? ", the case table vacuumed" : "")} in {s.Elapsed.TotalSeconds:0.00} s.");
}

/// <summary>The nightly chain's VOC step: the SLA run after the call center's queues (650).</summary>
internal sealed class VocSlaStep(IServiceScopeFactory scopes, TimeProvider time) : INightlyStep
{
    public string Name => "voc-sla";

    public int Order => 660;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        _ = asOf;
        await using var scope = scopes.CreateAsyncScope();
        // The clocks are about now, whatever day the chain computes for.
        var s = await scope.ServiceProvider.GetRequiredService<VocSlaRun>().RunAsync(time.GetUtcNow(), ct);
        return new NightlyStepResult([VocSlaRun.Describe(s)]);
    }
}

/// <summary>The open cases' partial index (migration 0043), read by the SLA run and the dashboard's open and breached card.</summary>
internal sealed class VocOpenCaseIndex : IEntityTypeConfiguration<VocCase>
{
    public void Configure(EntityTypeBuilder<VocCase> b) =>
        b.HasIndex(p => p.ResolutionDueAt, "Open").HasFilter("state NOT IN ('Resolved', 'Closed')");
}
