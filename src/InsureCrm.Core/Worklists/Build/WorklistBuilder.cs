using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists.Build;

/// <summary>What a build did: the lists it made and the candidates each rule refused.</summary>
public sealed record WorklistBuildSummary(
    DateOnly AsOf, int Agents, int Candidates, int Open, int New, int Kept, int Returned, int Expired,
    IReadOnlyDictionary<WorkAction, int> OpenByAction, IReadOnlyDictionary<string, int> Refused, TimeSpan Elapsed)
{
    /// <summary>Each part of the build in order (mart, book, carried, each source, plan, facts, write, run): wall and CPU time.</summary>
    public IReadOnlyList<BuildPhase> Phases { get; init; } = [];
}

/// <summary>
/// The nightly next-best-action arbitration (issue 14, docs/worklists.md). For every active agent's customers (the
/// servicing agent of the targeting mart) it gathers candidate actions from every source — retention (contract lapse
/// scores), cross- and up-sell per product family and loans (purchase and loan scores), service (maturities, coverage
/// checks, claims paid, birthdays, missing contact details) and the agent's open campaign contacts — refuses those the
/// rules forbid (selling without the customer's consent for the channel, within the cool-off after the last contact, or a
/// family outside its ages), ranks the rest by probability × value × the action's weight (× urgency for a due date), and
/// keeps each customer's best. Each agent's list then holds the items rolled over from earlier days that are still
/// valid, and the best new ones up to <see cref="WorklistOptions.MaxItemsPerAgent"/>; an item whose reason is gone or
/// which grew older than <see cref="WorklistOptions.MaxAgeDays"/> expires, and a snoozed item returns on its day.
/// Every selling item on the lists is then judged by the contact policy (<see cref="ContactGate"/>): a refused customer
/// keeps their best service item and a freed place goes to the next customer.
/// </summary>
internal sealed class WorklistBuilder(CrmDatabase database, WorklistOptions options, TimeProvider clock, ConsentService consents, ContactPolicy policy)
{
    private const int Batch = 2000;

    public async Task<WorklistBuildSummary> BuildAsync(DateOnly asOf, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var phases = new Phases();
        var startedAt = clock.GetUtcNow().UtcDateTime;
        await using var db = database.CreateContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));

        var state = await TargetingMart.StateAsync(db, ct);
        if (state is null || state.AsOf != asOf)
        {
            // The list reads consent, grades and the servicing agent from the mart; `worklist build` alone refreshes it.
            await TargetingMart.RefreshAsync(db, startedAt, asOf, ct);
        }
        phases.Mark("mart");

        var book = await Book.LoadAsync(db, asOf, options, ct);
        phases.Mark("book");
        var carried = await db.WorkItems.AsNoTracking()
            .Where(i => i.State == WorkItemState.Open || i.State == WorkItemState.Snoozed)
            .Select(i => new Carried(i.Id, i.AgentId, i.CustomerId, i.Action, i.Subject, i.State, i.SnoozedUntil, i.FirstListedOn, i.Version,
                i.Priority, i.Probability, i.Value, i.Family, i.ContractId, i.CampaignContactId, i.Facts, i.Channel, i.DueOn, i.Purpose))
            .ToListAsync(ct);
        phases.Mark("carried");
        var arbiter = new Arbiter(book, options, asOf, carried);
        await Sources.GatherAsync(db, book, arbiter, options, asOf, phases, ct);

        var plan = await ContactGate.PlanAsync(arbiter, consents, policy, asOf, ct);
        phases.Mark("plan+policy");
        var facts = await FactsReader.ReadAsync(db, book, plan.Listed, asOf, options.UnpaidWindow, ct);
        phases.Mark("facts");

        var written = await WriteAsync(plan, facts, asOf, ct);
        phases.Mark("write");
        var openByAction = plan.Listed.GroupBy(c => c.Candidate.Action).ToDictionary(g => g.Key, g => g.Count());
        var summary = new WorklistBuildSummary(asOf, plan.Agents, arbiter.Candidates, plan.Listed.Count, plan.NewCount, plan.KeptCount,
            plan.ReturnedCount, written.Expired, openByAction, arbiter.Refused, watch.Elapsed);

        db.WorklistRuns.Add(new WorklistRun
        {
            AsOf = asOf, StartedAt = startedAt, FinishedAt = clock.GetUtcNow().UtcDateTime, Agents = summary.Agents,
            Candidates = summary.Candidates, Open = summary.Open, New = summary.New, Expired = summary.Expired,
            Counts = JsonSerializer.Serialize(new { open = openByAction.ToDictionary(p => p.Key.ToString(), p => p.Value), refused = arbiter.Refused }),
        });
        await db.SaveChangesAsync(ct);
        phases.Mark("run");
        return summary with { Elapsed = watch.Elapsed, Phases = phases.Done };
    }

    internal static readonly BulkTable Items = new("work_item",
        ("id", typeof(long)), ("agent_id", typeof(long)), ("customer_id", typeof(long)), ("action", typeof(string)), ("subject", typeof(string)),
        ("purpose", typeof(string)), ("priority", typeof(double)), ("probability", typeof(double)), ("value", typeof(decimal)),
        ("family", typeof(string)), ("contract_id", typeof(long)), ("campaign_contact_id", typeof(long)), ("facts", typeof(string)),
        ("channel", typeof(string)), ("first_listed_on", typeof(DateOnly)), ("listed_on", typeof(DateOnly)), ("due_on", typeof(DateOnly)),
        ("state", typeof(string)), ("version", typeof(int)));

    internal static readonly BulkTable NewItems = Items with { Columns = Items.Columns[1..] };

    private sealed record Written(int Expired);

    /// <summary>
    /// One transaction: expire what is gone, replace the kept items (deleted and written again with their id, first day and
    /// a new version, so a form opened before the build is told its item changed) and add the new ones. A kept item that a
    /// result closed while the build ran is not deleted (its state is no longer open) and so not written back.
    /// </summary>
    private async Task<Written> WriteAsync(Arbiter.Result plan, IReadOnlyDictionary<Listed, WorkFacts> facts, DateOnly asOf, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var writer = await BulkWriter.BeginAsync(database, ct);
        var expired = 0;
        foreach (var chunk in plan.Expired.Chunk(Batch))
        {
            expired += await ExecuteAsync(writer, $"UPDATE work_item SET state = 'Expired', closed_at = @now, version = version + 1 WHERE state IN ('Open', 'Snoozed') AND id IN ({Ids(chunk)})", now, ct);
        }
        var kept = plan.Listed.Where(l => l.Carried is not null).ToList();
        var stillOpen = new HashSet<long>();
        foreach (var chunk in kept.Chunk(Batch))
        {
            await using var cmd = writer.Connection.CreateCommand();
            cmd.Transaction = writer.Transaction;
            cmd.CommandText = $"DELETE FROM work_item WHERE state IN ('Open', 'Snoozed') AND id IN ({Ids(chunk.Select(l => l.Carried!.Id))}) RETURNING id";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stillOpen.Add(reader.GetInt64(0));
            }
        }
        await writer.WriteAsync(Items, [.. kept.Where(l => stillOpen.Contains(l.Carried!.Id))], (row, l) => Row(row.Id(l.Carried!.Id), l, facts, asOf, l.Carried.FirstListedOn, l.Carried.Version + 1), ct);
        await writer.WriteAsync(NewItems, [.. plan.Listed.Where(l => l.Carried is null)], (row, l) => Row(row, l, facts, asOf, asOf, 0), ct);
        await writer.CommitAsync(ct);
        return new Written(expired);
    }

    private static void Row(BulkRow row, Listed l, IReadOnlyDictionary<Listed, WorkFacts> facts, DateOnly asOf, DateOnly first, int version)
    {
        var c = l.Candidate;
        row.Id(l.AgentId).Id(c.CustomerId).Enum(c.Action).Text(c.Subject).Enum(c.Purpose).Real(c.Priority).Real(c.Probability)
            .Money(Math.Round(c.Value)).Enum(c.Family).Id(c.ContractId).Id(c.CampaignContactId)
            .Text(facts.TryGetValue(l, out var f) ? f.ToJson() : "{}").Enum(c.Channel).Date(first).Date(asOf).Date(c.DueOn)
            .Enum(WorkItemState.Open).Number(version);
    }

    private static async Task<int> ExecuteAsync(BulkWriter writer, string sql, DateTime now, CancellationToken ct)
    {
        await using var cmd = writer.Connection.CreateCommand();
        cmd.Transaction = writer.Transaction;
        cmd.CommandText = sql;
        var p = cmd.CreateParameter();
        p.ParameterName = "now";
        p.Value = writer.Connection is Microsoft.Data.Sqlite.SqliteConnection ? BulkWriter.ToSqlite(now) : now;
        cmd.Parameters.Add(p);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Ids(IEnumerable<long> ids) => string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
