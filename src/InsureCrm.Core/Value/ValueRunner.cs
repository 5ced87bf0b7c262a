using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Value;

public sealed record ValueRunProgress(string Phase, int Done, int Total);

public sealed record ValueRunSummary(long RunId, int Customers, IReadOnlyList<int> GradeCounts, IReadOnlyList<ValueDecile> Concentration, PersistencyCurves Curves);

/// <summary>
/// Computes every live customer's value as of a date: one pass over the book in customer-id chunks
/// estimates the persistency curves, a second computes and writes the values chunk by chunk (memory
/// holds only an id and a total per customer), then grades are set by rank. The rows become visible
/// together when the run commits. Every run is a full recomputation; incremental runs (only customers
/// whose data changed) are not built yet.
/// </summary>
public sealed partial class ValueRunner(CrmDatabase database, IOptions<ValueOptions> options, TimeProvider time, ILogger<ValueRunner> logger)
{
    private static readonly BulkTable CustomerValueTable = new("customer_value",
        ("run_id", typeof(long)), ("customer_id", typeof(long)), ("experience_value", typeof(decimal)),
        ("current_value", typeof(decimal)), ("potential_value", typeof(decimal)), ("total_value", typeof(decimal)),
        ("grade", typeof(string)), ("explanation", typeof(string)));

    private sealed record Chunk(long From, long To, int Count);

    public Task<ValueRunSummary> RunAsync(DateOnly asOf, CancellationToken ct = default) => RunAsync(asOf, null, ct);

    public async Task<ValueRunSummary> RunAsync(DateOnly asOf, IProgress<ValueRunProgress>? progress, CancellationToken ct = default)
    {
        var opts = options.Value;
        var run = new ValueRun
        {
            RunDate = asOf,
            StartedAt = time.GetUtcNow().UtcDateTime,
            Status = ValueRunStatus.Running,
            OptionsHash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(opts))),
        };
        await using (var ctx = database.CreateContext())
        {
            ctx.Set<ValueRun>().Add(run);
            await ctx.SaveChangesAsync(ct);
        }
        LogStarted(run.Id, asOf);
        try
        {
            var summary = await ComputeAsync(run, opts, asOf, progress, ct);
            await using var ctx = database.CreateContext();
            ctx.Attach(run);
            run.Status = ValueRunStatus.Completed;
            run.FinishedAt = time.GetUtcNow().UtcDateTime;
            run.Customers = summary.Customers;
            await ctx.SaveChangesAsync(ct);
            LogFinished(run.Id, summary.Customers);
            return summary;
        }
        catch (Exception)
        {
            await using var ctx = database.CreateContext();
            ctx.Attach(run);
            run.Status = ValueRunStatus.Failed;
            run.FinishedAt = time.GetUtcNow().UtcDateTime;
            await ctx.SaveChangesAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task<ValueRunSummary> ComputeAsync(ValueRun run, ValueOptions opts, DateOnly asOf, IProgress<ValueRunProgress>? progress, CancellationToken ct)
    {
        List<long> ids;
        await using (var ctx = database.CreateContext())
        {
            ids = await ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        }
        var chunks = new List<Chunk>();
        for (var i = 0; i < ids.Count; i += opts.ChunkSize)
        {
            var last = Math.Min(i + opts.ChunkSize, ids.Count) - 1;
            // The first chunk starts at 0 and the last runs to the end so that contracts of merged-away ids between live ones are counted once in persistency.
            chunks.Add(new Chunk(i == 0 ? long.MinValue : ids[i], last == ids.Count - 1 ? long.MaxValue : ids[last + 1] - 1, last - i + 1));
        }

        var estimator = new PersistencyEstimator(asOf);
        for (var k = 0; k < chunks.Count; k++)
        {
            foreach (var c in await LoadContractsAsync(chunks[k], asOf, withClaims: false, ct))
            {
                estimator.Add(c.Family, c.IssueDate, c.Events);
            }
            progress?.Report(new ValueRunProgress("persistency", k + 1, chunks.Count));
        }
        var curves = estimator.Build(opts.MinContractsForCurve, opts.FallbackAnnualLapseRate);
        var calculator = new ValueCalculator(opts, curves, asOf);

        var runIds = new long[ids.Count];
        var totals = new decimal[ids.Count];
        var n = 0;
        await using var bulk = await BulkWriter.BeginAsync(database, ct);
        for (var k = 0; k < chunks.Count; k++)
        {
            var chunk = chunks[k];
            var contracts = (await LoadContractsAsync(chunk, asOf, withClaims: true, ct)).ToLookup(c => c.CustomerId);
            List<CustomerFacts> customers;
            await using (var ctx = database.CreateContext())
            {
                customers = await ctx.Customers.AsNoTracking()
                    .Where(c => c.Id >= chunk.From && c.Id <= chunk.To && c.MergedIntoId == null)
                    .OrderBy(c => c.Id)
                    .Select(c => new CustomerFacts(c.Id, c.Kind, c.BirthDate, c.Children))
                    .ToListAsync(ct);
            }
            var rows = new List<object?[]>(customers.Count);
            foreach (var customer in customers)
            {
                var value = calculator.Customer(customer, [.. contracts[customer.Id]]);
                rows.Add([run.Id, customer.Id, value.Experience, value.Current, value.Potential, value.Total, null, value.ExplanationJson()]);
                runIds[n] = customer.Id;
                totals[n] = value.Total;
                n++;
            }
            await bulk.WriteAsync(CustomerValueTable, rows, ct);
            progress?.Report(new ValueRunProgress("value", k + 1, chunks.Count));
        }
        if (n != ids.Count)
        {
            Array.Resize(ref runIds, n);
            Array.Resize(ref totals, n);
        }
        ValueGrades.Rank(runIds, totals);
        var counts = ValueGrades.Counts(n, opts.EffectiveGradeShares);
        await SetGradesAsync(bulk, run.Id, runIds, totals, counts, ct);
        await bulk.CommitAsync(ct);
        return new ValueRunSummary(run.Id, n, counts, ValueGrades.Concentration(totals), curves);
    }

    /// <summary>
    /// Sets grades by rank with one statement per grade: every row ranked at or above the last customer
    /// of a grade (higher total, or the same total and a lower id) gets that grade, from G up to A.
    /// </summary>
    private static async Task SetGradesAsync(BulkWriter bulk, long runId, long[] ids, decimal[] totals, int[] counts, CancellationToken ct)
    {
        var sqlite = bulk.Connection is Microsoft.Data.Sqlite.SqliteConnection;
        var total = sqlite ? "CAST(total_value AS REAL)" : "total_value";
        var end = ids.Length;
        for (var g = counts.Length - 1; g >= 0; g--)
        {
            if (end == 0)
            {
                break;
            }
            await using var cmd = bulk.Connection.CreateCommand();
            cmd.Transaction = bulk.Transaction;
            cmd.CommandText = $"UPDATE customer_value SET grade = @g WHERE run_id = @r AND ({total} > @t OR ({total} = @t AND customer_id <= @id))";
            Add(cmd, "@g", ValueGrades.Letters[g].ToString());
            Add(cmd, "@r", runId);
            Add(cmd, "@t", sqlite ? (double)totals[end - 1] : totals[end - 1]);
            Add(cmd, "@id", ids[end - 1]);
            await cmd.ExecuteNonQueryAsync(ct);
            end -= counts[g];
        }
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private async Task<List<ContractFacts>> LoadContractsAsync(Chunk chunk, DateOnly asOf, bool withClaims, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var contracts = await (
            from c in ctx.Contracts.AsNoTracking()
            join p in ctx.Products on c.ProductId equals p.Id
            where c.CustomerId >= chunk.From && c.CustomerId <= chunk.To && p.Line != ProductLine.Loan
            orderby c.Id
            select new { c.Id, c.CustomerId, p.Family, c.PaymentMode, c.Premium, c.SumAssured, c.IssueDate, c.MaturityDate, c.Status, c.StatusDate })
            .ToListAsync(ct);
        var events = (await (
            from e in ctx.ContractStatusChanges.AsNoTracking()
            join c in ctx.Contracts on e.ContractId equals c.Id
            where c.CustomerId >= chunk.From && c.CustomerId <= chunk.To
            orderby e.ContractId, e.EffectiveDate, e.Id
            select new { e.ContractId, e.EffectiveDate, e.ToStatus })
            .ToListAsync(ct))
            .ToLookup(e => e.ContractId, e => new StatusEvent(e.EffectiveDate, e.ToStatus));
        var claims = new Dictionary<long, decimal>();
        if (withClaims)
        {
            var paid = await (
                from cl in ctx.Claims.AsNoTracking()
                join c in ctx.Contracts on cl.ContractId equals c.Id
                where c.CustomerId >= chunk.From && c.CustomerId <= chunk.To && cl.PaidDate != null && cl.PaidDate <= asOf
                select new { cl.ContractId, cl.AmountPaid })
                .ToListAsync(ct);
            foreach (var p in paid)
            {
                claims[p.ContractId] = claims.GetValueOrDefault(p.ContractId) + p.AmountPaid;
            }
        }
        return [.. contracts.Select(c => new ContractFacts(c.Id, c.CustomerId, c.Family, c.PaymentMode, c.Premium, c.SumAssured,
            c.IssueDate, c.MaturityDate, c.Status, c.StatusDate, [.. events[c.Id]], claims.GetValueOrDefault(c.Id)))];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Value run {RunId} started as of {AsOf}")]
    private partial void LogStarted(long runId, DateOnly asOf);

    [LoggerMessage(Level = LogLevel.Information, Message = "Value run {RunId} finished: {Customers} customers")]
    private partial void LogFinished(long runId, int customers);
}

/// <summary>Reads of stored runs: a customer's latest value, a household's, the concentration report.</summary>
public static class ValueRunReports
{
    /// <summary>The newest completed run, or null.</summary>
    public static async Task<ValueRun?> LatestRunAsync(CrmDbContext ctx, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return await ctx.Set<ValueRun>().AsNoTracking().Where(r => r.Status == ValueRunStatus.Completed)
            .OrderByDescending(r => r.RunDate).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>Sum over the household's members, each customer counted once however many roles they have.</summary>
    public static async Task<(decimal Experience, decimal Current, decimal Potential, decimal Total, int Members)> HouseholdAsync(CrmDbContext ctx, long runId, long householdId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var members = ctx.HouseholdMembers.Where(m => m.HouseholdId == householdId).Select(m => m.CustomerId).Distinct();
        var rows = await ctx.Set<CustomerValue>().AsNoTracking()
            .Where(v => v.RunId == runId && members.Contains(v.CustomerId))
            .Select(v => new { v.ExperienceValue, v.CurrentValue, v.PotentialValue, v.TotalValue })
            .ToListAsync(ct);
        return (rows.Sum(r => r.ExperienceValue), rows.Sum(r => r.CurrentValue), rows.Sum(r => r.PotentialValue), rows.Sum(r => r.TotalValue), rows.Count);
    }

    /// <summary>Share of the run's total value per decile of customers, top first.</summary>
    public static async Task<IReadOnlyList<ValueDecile>> ConcentrationAsync(CrmDbContext ctx, long runId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var totals = await ctx.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == runId).Select(v => v.TotalValue).ToListAsync(ct);
        totals.Sort((a, b) => b.CompareTo(a));
        return ValueGrades.Concentration(totals);
    }
}
