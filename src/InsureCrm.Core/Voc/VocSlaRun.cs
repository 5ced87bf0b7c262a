using System.Diagnostics;
using System.Globalization;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Voc;

/// <summary>What one SLA run did.</summary>
public sealed record VocSlaSummary(DateTime AsOf, int OpenedFromInbound, int Warned, int Escalated, TimeSpan Elapsed);

/// <summary>
/// The SLA run (<c>voc sla run</c>, the nightly step <c>voc-sla</c>): first opens a case for every inbound contact of the call
/// center flagged for VOC that has none (so nothing logged on the console is lost), then compares the stored due times of all
/// open, running cases with the time, set-based in four statements: a Warned event and mark where the warning time has passed,
/// an Escalated event to the managing department's head and the breach mark where a clock ran out. Safe to rerun: marked cases
/// are not marked again.
/// </summary>
public sealed class VocSlaRun(CrmDbContext db, VocIntake intake, TimeProvider time)
{
    public async Task<VocSlaSummary> RunAsync(DateTimeOffset? asOf, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var now = (asOf ?? time.GetUtcNow()).UtcDateTime;
        var opened = await SweepInboundAsync(ct);
        const string Running = """ "state" NOT IN ('Resolved', 'Closed') AND "paused_at" IS NULL """;
        const string Warn = Running + """ AND "warned_at" IS NULL AND "warn_at" <= {0} """;
        const string Breach = Running + """ AND "escalated_at" IS NULL AND ("resolution_due_at" <= {0} OR ("first_responded_at" IS NULL AND "first_response_due_at" <= {0})) """;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "voc_event" ("case_id", "kind", "at", "by", "to_department_id", "note")
            SELECT "id", 'Warned', {0}, 'system:sla', "managing_department_id", NULL FROM "voc_case" WHERE
            """ + Warn, [now], ct);
        var warned = await db.Database.ExecuteSqlRawAsync("""
            UPDATE "voc_case" SET "warned_at" = {0}, "version" = "version" + 1 WHERE
            """ + Warn, [now], ct);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "voc_event" ("case_id", "kind", "at", "by", "to_department_id", "to_user_id", "note")
            SELECT c."id", 'Escalated', {0}, 'system:sla', c."managing_department_id", d."head_user_id",
                   CASE WHEN c."resolution_due_at" <= {0} THEN 'resolution' ELSE 'first-response' END
            FROM "voc_case" c LEFT JOIN "voc_department" d ON d."id" = c."managing_department_id"
            WHERE c."id" IN (SELECT "id" FROM "voc_case" WHERE
            """ + Breach + ")", [now], ct);
        var escalated = await db.Database.ExecuteSqlRawAsync("""
            UPDATE "voc_case" SET "escalated_at" = {0}, "breached" = {1}, "warned_at" = COALESCE("warned_at", {0}), "version" = "version" + 1 WHERE
            """ + Breach, [now, true], ct);
        await tx.CommitAsync(ct);
        return new VocSlaSummary(now, opened, warned, escalated, watch.Elapsed);
    }

    /// <summary>Opens a case for each inbound contact flagged for VOC without one; returns how many.</summary>
    public async Task<int> SweepInboundAsync(CancellationToken ct = default)
    {
        var pending = await (from i in db.InboundContacts.AsNoTracking()
                             join n in db.Interactions.AsNoTracking() on i.InteractionId equals n.Id into notes
                             from n in notes.DefaultIfEmpty()
                             where i.VocRequested && !db.Set<VocCase>().Any(c => c.InboundContactId == i.Id)
                             orderby i.Id
                             select new { i.Id, i.CustomerId, i.ReasonCode, i.LoggedAt, Notes = n == null ? null : n.Notes }).Take(10_000).ToListAsync(ct);
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
        $"VOC SLA as of {s.AsOf:yyyy-MM-dd HH:mm} UTC: {s.OpenedFromInbound} cases opened from the call center's inbound contacts, {s.Warned} warned, {s.Escalated} escalated on breach in {s.Elapsed.TotalSeconds:0.00} s.");
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
