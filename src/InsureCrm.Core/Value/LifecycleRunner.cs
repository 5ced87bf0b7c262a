using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Value;

/// <summary>What one lifecycle run did; <paramref name="SkippedByReason"/>: customers left out (stored dates out of range) by reason code.</summary>
public sealed record LifecycleRunResult(int Customers, int Changed, IReadOnlyDictionary<LifecycleState, int> CurrentCounts,
    IReadOnlyDictionary<string, int>? SkippedByReason = null)
{
    public IReadOnlyDictionary<string, int> Skips => SkippedByReason ?? new Dictionary<string, int>();

    /// <summary>What the run did, for the CLI and the nightly chain's report: customers, changes and each state's count.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"Lifecycle: {Customers:N0} customers, {Changed:N0} state changes; ")
        + string.Join(", ", CurrentCounts.OrderByDescending(kv => kv.Value).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0}")));

    public int Skipped => Skips.Values.Sum();
}

/// <summary>
/// Computes every customer's insurance and loan lifecycle state as of a date, chunk by chunk (four
/// set-based queries per chunk), and appends a history row only where a state changed; each chunk's
/// writes go in one transaction through the bulk path (decision 0005). A customer with a
/// stored date out of range (<see cref="StoredRanges"/>) keeps the state they had and is counted, logged and,
/// within the nightly chain, recorded as skipped.
/// </summary>
public sealed partial class LifecycleRunner(CrmDatabase database, LifecycleOptions options, ILogger<LifecycleRunner> logger)
{
    private static readonly BulkTable LifecycleTable = new("customer_lifecycle",
        ("customer_id", typeof(long)), ("dimension", typeof(LifecycleDimension)), ("state", typeof(LifecycleState)),
        ("since", typeof(DateOnly)), ("until", typeof(DateOnly?)), ("run_id", typeof(long?)));

    private readonly LifecycleRules _rules = new(options);

    public async Task<LifecycleRunResult> RunAsync(DateOnly asOf, CancellationToken ct, long? runId = null)
    {
        long lastId = 0;
        int customers = 0, changed = 0;
        var counts = new Dictionary<LifecycleState, int>();
        var skips = new SkipCounts();
        if (runId is { } rerun)
        {
            // A resumed value run runs the chain's later steps again under the same id.
            await using var ctx = database.CreateContext();
            await ctx.Set<ValueRunSkip>().Where(s => s.RunId == rerun && s.Step == ValueRunStep.Lifecycle).ExecuteDeleteAsync(ct);
        }
        while (true)
        {
            await using var ctx = database.CreateContext();
            var ids = await ctx.Customers.AsNoTracking()
                .Where(c => c.Id > lastId && c.MergedIntoId == null)
                .OrderBy(c => c.Id).Select(c => c.Id).Take(options.ChunkSize).ToListAsync(ct);
            if (ids.Count == 0)
            {
                break;
            }
            long lo = ids[0], hi = ids[^1];
            var skipped = skips.Total;
            changed += await RunChunkAsync(ctx, ids, lo, hi, asOf, runId, counts, skips, ct);
            customers += ids.Count - (skips.Total - skipped);
            lastId = hi;
            LogChunk(logger, customers, changed);
        }
        return new LifecycleRunResult(customers, changed, counts, skips.ByReason);
    }

    private async Task<int> RunChunkAsync(CrmDbContext ctx, List<long> ids, long lo, long hi, DateOnly asOf, long? runId,
        Dictionary<LifecycleState, int> counts, SkipCounts skips, CancellationToken ct)
    {
        // Contracts and loans issued after the as-of date are read too (the rules ignore them), so that one
        // dated beyond any calendar an insurer keeps is seen and its holder skipped.
        var contracts = await ctx.Contracts.AsNoTracking()
            .Where(c => c.CustomerId >= lo && c.CustomerId <= hi)
            .Join(ctx.Products, c => c.ProductId, p => p.Id, (c, p) => new { c.Id, c.CustomerId, p.Family, c.IssueDate, c.Status, c.StatusDate })
            .ToListAsync(ct);
        var changes = await ctx.ContractStatusChanges.AsNoTracking()
            .Where(s => s.CustomerId >= lo && s.CustomerId <= hi && s.EffectiveDate <= asOf)
            .Select(s => new { s.ContractId, s.CustomerId, s.ToStatus, s.EffectiveDate, s.Id })
            .ToListAsync(ct);
        var loans = await ctx.Loans.AsNoTracking()
            .Where(l => l.CustomerId >= lo && l.CustomerId <= hi)
            .Select(l => new { l.CustomerId, l.StartDate, l.Status, l.StatusDate, l.MaturityDate })
            .ToListAsync(ct);
        var invalid = new Dictionary<long, (string Reason, long? ContractId)>();
        foreach (var c in contracts)
        {
            if (!StoredRanges.IsDate(c.IssueDate) || !StoredRanges.IsDate(c.StatusDate))
            {
                invalid.TryAdd(c.CustomerId, (StoredRanges.IsDate(c.IssueDate) ? SkipReason.StatusDate : SkipReason.IssueDate, c.Id));
            }
        }
        foreach (var s in changes)
        {
            if (!StoredRanges.IsDate(s.EffectiveDate))
            {
                invalid.TryAdd(s.CustomerId, (SkipReason.StatusDate, s.ContractId));
            }
        }
        foreach (var l in loans)
        {
            if (!StoredRanges.IsDate(l.StartDate) || !StoredRanges.IsDate(l.StatusDate) || !StoredRanges.IsDate(l.MaturityDate))
            {
                invalid.TryAdd(l.CustomerId, (SkipReason.LoanDate, null));
            }
        }
        var open = await ctx.Set<CustomerLifecycle>().AsNoTracking()
            .Where(h => h.CustomerId >= lo && h.CustomerId <= hi && h.Until == null)
            .ToListAsync(ct);

        var changesByContract = changes.ToLookup(s => s.ContractId);
        var contractFacts = contracts.Select(c =>
        {
            var past = changesByContract[c.Id].OrderBy(s => s.EffectiveDate).ThenBy(s => s.Id).ToList();
            var everLapsed = past.Any(s => s.ToStatus is ContractStatus.Lapsed or ContractStatus.Surrendered);
            // The contract row holds today's status; for an earlier as-of date the history says what it was then.
            var (status, date) = c.StatusDate <= asOf ? (c.Status, c.StatusDate)
                : past.Count > 0 ? (past[^1].ToStatus, past[^1].EffectiveDate)
                : (ContractStatus.InForce, c.IssueDate);
            return new ContractFact(c.CustomerId, c.Family, c.IssueDate, status, date, everLapsed);
        }).ToLookup(c => c.CustomerId);
        var loanFacts = loans.Select(l => l.StatusDate <= asOf
                ? new LoanFact(l.CustomerId, l.StartDate, l.Status, l.StatusDate)
                : new LoanFact(l.CustomerId, l.StartDate, LoanStatus.Active, l.StartDate))
            .ToLookup(l => l.CustomerId);
        var openByKey = open.ToDictionary(h => (h.CustomerId, h.Dimension));

        var changed = 0;
        var writes = new ChunkWrites();
        foreach (var id in ids)
        {
            if (invalid.TryGetValue(id, out var problem))
            {
                skips.Add(problem.Reason);
                LogSkipped(logger, runId, id, problem.ContractId, problem.Reason);
                if (runId is { } run)
                {
                    writes.Skips.Add([run, ValueRunStep.Lifecycle, id, problem.ContractId, problem.Reason]);
                }
                continue;
            }
            var facts = _rules.Facts(id, contractFacts[id], loanFacts[id], asOf);
            var insurance = _rules.InsuranceState(facts);
            var loan = _rules.LoanState(facts);
            counts[insurance] = counts.GetValueOrDefault(insurance) + 1;
            changed += Record(writes, openByKey, id, LifecycleDimension.Insurance, insurance, asOf);
            if (loan != options.LoanFallback || openByKey.ContainsKey((id, LifecycleDimension.Loan)))
            {
                counts[loan] = counts.GetValueOrDefault(loan) + 1;
                changed += Record(writes, openByKey, id, LifecycleDimension.Loan, loan, asOf);
            }
        }
        await WriteAsync(writes, asOf, runId, ct);
        return changed;
    }

    /// <summary>What one chunk writes: periods closed and corrected by id, new open periods, skipped customers.</summary>
    private sealed class ChunkWrites
    {
        public List<long> Closed { get; } = [];
        public Dictionary<LifecycleState, List<long>> Corrected { get; } = [];
        public List<(long CustomerId, LifecycleDimension Dimension, LifecycleState State)> Opened { get; } = [];
        public List<object?[]> Skips { get; } = [];
    }

    /// <summary>
    /// The chunk's writes in one transaction (decision 0005): one UPDATE for the closed periods and one per
    /// corrected state, by id; the new periods and the skips through the bulk path.
    /// </summary>
    private async Task WriteAsync(ChunkWrites writes, DateOnly asOf, long? runId, CancellationToken ct)
    {
        if (writes.Closed.Count == 0 && writes.Corrected.Count == 0 && writes.Opened.Count == 0 && writes.Skips.Count == 0)
        {
            return;
        }
        await using var bulk = await BulkWriter.BeginAsync(database, ct);
        if (writes.Closed.Count > 0)
        {
            await using var close = ImportSql.Command(bulk.Connection, bulk.Transaction,
                "UPDATE customer_lifecycle SET until = @until WHERE " + ImportSql.In(bulk.Connection, "id", "ids"));
            ImportSql.Add(close, "@until", asOf);
            ImportSql.AddList(close, "@ids", writes.Closed);
            await close.ExecuteNonQueryAsync(ct);
        }
        foreach (var (state, periodIds) in writes.Corrected)
        {
            await using var correct = ImportSql.Command(bulk.Connection, bulk.Transaction,
                "UPDATE customer_lifecycle SET state = @state, run_id = @run WHERE " + ImportSql.In(bulk.Connection, "id", "ids"));
            ImportSql.Add(correct, "@state", state);
            ImportSql.Add(correct, "@run", runId);
            ImportSql.AddList(correct, "@ids", periodIds);
            await correct.ExecuteNonQueryAsync(ct);
        }
        await bulk.WriteAsync(LifecycleTable, writes.Opened, (row, p) =>
        {
            row.Id(p.CustomerId).Enum(p.Dimension).Enum(p.State).Date(asOf).Null();
            if (runId is { } run)
            {
                row.Id(run);
            }
            else
            {
                row.Null();
            }
        }, ct);
        await bulk.WriteAsync(ValueRunner.SkipTable, writes.Skips, ct);
        await bulk.CommitAsync(ct);
    }

    private static int Record(ChunkWrites writes, Dictionary<(long, LifecycleDimension), CustomerLifecycle> open, long customerId,
        LifecycleDimension dimension, LifecycleState state, DateOnly asOf)
    {
        if (open.TryGetValue((customerId, dimension), out var current))
        {
            // History only moves forward: a run for a date before the open period cannot rewrite it.
            if (current.State == state || asOf < current.Since)
            {
                return 0;
            }
            if (asOf == current.Since)
            {
                // A rerun for the same date after the data changed corrects the period it opened.
                if (!writes.Corrected.TryGetValue(state, out var corrected))
                {
                    writes.Corrected[state] = corrected = [];
                }
                corrected.Add(current.Id);
                return 1;
            }
            writes.Closed.Add(current.Id);
        }
        writes.Opened.Add((customerId, dimension, state));
        return 1;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lifecycle (value run {RunId}): customer {CustomerId} skipped (contract {ContractId}): {Reason}")]
    private static partial void LogSkipped(ILogger logger, long? runId, long customerId, long? contractId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lifecycle: {Customers} customers done, {Changed} state changes")]
    private static partial void LogChunk(ILogger logger, int customers, int changed);
}
