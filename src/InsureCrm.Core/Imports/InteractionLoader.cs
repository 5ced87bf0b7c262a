using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Imports;

/// <summary>
/// Contact history, keyed by source_key. History is append-only: a key already loaded with the same values is
/// unchanged, one with different values is rejected (corrections are new rows with a new key).
/// </summary>
internal sealed class InteractionLoader(ImportContext context) : IBatchLoader
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    public async Task<BatchOutcome> LoadAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct)
    {
        var inputs = new List<(ImportRow Row, string System, string Customer, string? Agent, Interaction Value)>();
        foreach (var row in rows.Where(r => !r.HasErrors))
        {
            var system = ImportLookups.SourceSystem(row, context);
            var key = row.Text("source_key", 60, required: true);
            var customer = row.Text("customer", 40, required: true);
            var occurred = row.Moment("occurred_at", context.Zone, required: true);
            var channel = row.Enum<InteractionChannel>("channel", required: true);
            var direction = row.Enum<InteractionDirection>("direction", required: true);
            var purpose = row.Enum<InteractionPurpose>("purpose", required: true);
            var outcome = row.Enum<InteractionOutcome>("outcome", required: true);
            var agent = row.Text("agent_code", 20);
            var staff = row.Text("staff_user", 60);
            var notes = row.Text("notes", 2000, multiline: true);
            if (occurred is { } o && o > context.Clock.GetUtcNow().UtcDateTime.AddDays(1))
            {
                row.Error("occurred_at", "is in the future");
            }
            if (row.HasErrors || !ImportLookups.FirstInFile(_seen, row, "source_key", key!))
            {
                continue;
            }
            inputs.Add((row, system!, customer!, agent, new Interaction
            {
                SourceKey = key, OccurredAt = occurred!.Value, Channel = channel!.Value, Direction = direction!.Value,
                Purpose = purpose!.Value, Outcome = outcome!.Value, StaffUser = staff, Notes = notes,
            }));
        }
        await using var db = context.Database.CreateContext();
        await using var tx = await ImportLookups.BeginAsync(db, ct);
        var agents = await ImportLookups.AgentsAsync(db, inputs.Select(i => i.Agent), ct);
        var customers = await ImportLookups.CustomersAsync(db, inputs.Select(i => (i.System, i.Customer)), ct);
        var keys = inputs.Select(i => i.Value.SourceKey).ToList();
        var existing = await db.Interactions.AsNoTracking().Where(i => keys.Contains(i.SourceKey))
            .ToDictionaryAsync(i => i.SourceKey!, StringComparer.Ordinal, ct);
        int inserted = 0, unchanged = 0;
        foreach (var (row, system, customerId, agentCode, value) in inputs)
        {
            var customer = ContractLoader.ResolveCustomer(row, "customer", system, customerId, customers);
            if (agentCode is not null)
            {
                if (agents.TryGetValue(agentCode, out var agent))
                {
                    value.AgentId = agent;
                }
                else
                {
                    row.Error("agent_code", "unknown agent code");
                }
            }
            if (row.HasErrors)
            {
                continue;
            }
            value.CustomerId = customer!.Value;
            if (existing.TryGetValue(value.SourceKey!, out var stored))
            {
                if (Same(stored, value))
                {
                    unchanged++;
                }
                else
                {
                    row.Error("source_key", "already imported with different values; contact history is append-only, use a new source_key for a correction");
                }
                continue;
            }
            db.Interactions.Add(value);
            inserted++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new BatchOutcome(inserted, 0, unchanged, 0);
    }

    private static bool Same(Interaction a, Interaction b) =>
        a.CustomerId == b.CustomerId && a.OccurredAt.Ticks / TimeSpan.TicksPerSecond == b.OccurredAt.Ticks / TimeSpan.TicksPerSecond
        && a.Channel == b.Channel && a.Direction == b.Direction && a.Purpose == b.Purpose && a.Outcome == b.Outcome
        && a.AgentId == b.AgentId && a.StaffUser == b.StaffUser && a.Notes == b.Notes;
}
