using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Value;

/// <summary>What one lifecycle run did.</summary>
public sealed record LifecycleRunResult(int Customers, int Changed, IReadOnlyDictionary<LifecycleState, int> CurrentCounts);

/// <summary>
/// Computes every customer's insurance and loan lifecycle state as of a date, chunk by chunk (four
/// set-based queries per chunk), and appends a history row only where a state changed.
/// </summary>
public sealed partial class LifecycleRunner(CrmDatabase database, LifecycleOptions options, ILogger<LifecycleRunner> logger)
{
    private readonly LifecycleRules _rules = new(options);

    public async Task<LifecycleRunResult> RunAsync(DateOnly asOf, CancellationToken ct, long? runId = null)
    {
        long lastId = 0;
        int customers = 0, changed = 0;
        var counts = new Dictionary<LifecycleState, int>();
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
            changed += await RunChunkAsync(ctx, ids, lo, hi, asOf, runId, counts, ct);
            customers += ids.Count;
            lastId = hi;
            LogChunk(logger, customers, changed);
        }
        return new LifecycleRunResult(customers, changed, counts);
    }

    private async Task<int> RunChunkAsync(CrmDbContext ctx, List<long> ids, long lo, long hi, DateOnly asOf, long? runId,
        Dictionary<LifecycleState, int> counts, CancellationToken ct)
    {
        var contracts = await ctx.Contracts.AsNoTracking()
            .Where(c => c.CustomerId >= lo && c.CustomerId <= hi && c.IssueDate <= asOf)
            .Join(ctx.Products, c => c.ProductId, p => p.Id, (c, p) => new { c.Id, c.CustomerId, p.Family, c.IssueDate, c.Status, c.StatusDate })
            .ToListAsync(ct);
        var changes = await ctx.ContractStatusChanges.AsNoTracking()
            .Where(s => s.CustomerId >= lo && s.CustomerId <= hi && s.EffectiveDate <= asOf)
            .Select(s => new { s.ContractId, s.ToStatus, s.EffectiveDate, s.Id })
            .ToListAsync(ct);
        var loans = await ctx.Loans.AsNoTracking()
            .Where(l => l.CustomerId >= lo && l.CustomerId <= hi && l.StartDate <= asOf)
            .Select(l => new { l.CustomerId, l.StartDate, l.Status, l.StatusDate, l.MaturityDate })
            .ToListAsync(ct);
        var open = await ctx.Set<CustomerLifecycle>()
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
        foreach (var id in ids)
        {
            var facts = _rules.Facts(id, contractFacts[id], loanFacts[id], asOf);
            var insurance = _rules.InsuranceState(facts);
            var loan = _rules.LoanState(facts);
            counts[insurance] = counts.GetValueOrDefault(insurance) + 1;
            changed += Record(ctx, openByKey, id, LifecycleDimension.Insurance, insurance, asOf, runId);
            if (loan != options.LoanFallback || openByKey.ContainsKey((id, LifecycleDimension.Loan)))
            {
                counts[loan] = counts.GetValueOrDefault(loan) + 1;
                changed += Record(ctx, openByKey, id, LifecycleDimension.Loan, loan, asOf, runId);
            }
        }
        await ctx.SaveChangesAsync(ct);
        return changed;
    }

    private static int Record(CrmDbContext ctx, Dictionary<(long, LifecycleDimension), CustomerLifecycle> open, long customerId,
        LifecycleDimension dimension, LifecycleState state, DateOnly asOf, long? runId)
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
                current.State = state;
                current.RunId = runId;
                return 1;
            }
            current.Until = asOf;
        }
        ctx.Add(new CustomerLifecycle { CustomerId = customerId, Dimension = dimension, State = state, Since = asOf, RunId = runId });
        return 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lifecycle: {Customers} customers done, {Changed} state changes")]
    private static partial void LogChunk(ILogger logger, int customers, int changed);
}
