using System.Globalization;
using System.Text.Json;
using InsureCrm.Analytics;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Value;

/// <summary>What one segment run did: customers placed, per needs group its size, and per grid cell its count.</summary>
/// <paramref name="SkippedByReason"/>: customers of the value run left out (stored values out of range) by reason code.
public sealed record SegmentRunResult(long RunId, int Customers, IReadOnlyList<int> GroupSizes, IReadOnlyDictionary<SegmentCell, int> CellCounts,
    IReadOnlyDictionary<string, int>? SkippedByReason = null)
{
    public IReadOnlyDictionary<string, int> Skips => SkippedByReason ?? new Dictionary<string, int>();

    public int Skipped => Skips.Values.Sum();

    /// <summary>What the run did, for the CLI and the nightly chain's report: customers per grid cell and the needs groups' sizes.</summary>
    public string Describe() =>
        "Segments: " + string.Join(", ", CellCounts.OrderByDescending(kv => kv.Value).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0}")))
        + "; needs groups " + string.Join(" / ", GroupSizes.Select(g => g.ToString("N0", CultureInfo.InvariantCulture)));
}

/// <summary>
/// Segments the customers of a value run: grid cell from current vs potential value, needs group by
/// k-means++ on needs/behaviour/product features, and the strategy from the cell and the insurance
/// lifecycle state. Features are computed set-based per chunk; the groups are fitted on every n-th
/// customer (at most <see cref="SegmentOptions.SampleSize"/>) and every customer is then assigned, so
/// memory does not grow with the book beyond the two values per customer the grid cut-offs need.
/// </summary>
public sealed partial class SegmentRunner(CrmDatabase database, SegmentOptions options, StrategyOptions strategy, ILogger<SegmentRunner> logger)
{
    /// <summary>Feature names, in column order, as stored in the profiles.</summary>
    public static readonly IReadOnlyList<string> FeatureNames =
    [
        "age", "incomeBand", "married", "children", "activeProtection", "activeSavings", "activeNonLife",
        "monthlyPremium", "tenureMonths", "contacts12m", "hasLoan",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly HashSet<ProductFamily> Protection =
        [ProductFamily.WholeLife, ProductFamily.VariableWholeLife, ProductFamily.CriticalIllness, ProductFamily.Cancer, ProductFamily.Health, ProductFamily.Accident];
    private static readonly HashSet<ProductFamily> Savings = [ProductFamily.Savings, ProductFamily.Annuity, ProductFamily.Universal, ProductFamily.Variable];
    private static readonly HashSet<ProductFamily> NonLife = [ProductFamily.Auto, ProductFamily.Fire];

    private readonly StrategyTable _table = new(strategy);

    private static readonly BulkTable SegmentTable = new("customer_segment",
        ("run_id", typeof(long)), ("customer_id", typeof(long)), ("grid_cell", typeof(SegmentCell)), ("needs_group", typeof(int)),
        ("strategy", typeof(Strategy)), ("channels", typeof(string)), ("service_level", typeof(ServiceLevel)));

    public async Task<SegmentRunResult> RunAsync(long valueRunId, DateOnly asOf, CancellationToken ct)
    {
        // Pass 1: the run's values for the grid cut-offs, and the customers in id order.
        var ids = new List<long>();
        var current = new List<decimal>();
        var potential = new List<decimal>();
        await using (var ctx = database.CreateContext())
        {
            await foreach (var v in ctx.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == valueRunId).OrderBy(v => v.CustomerId)
                .Select(v => new { v.CustomerId, v.CurrentValue, v.PotentialValue }).AsAsyncEnumerable().WithCancellation(ct))
            {
                ids.Add(v.CustomerId);
                current.Add(v.CurrentValue);
                potential.Add(v.PotentialValue);
            }
            await ctx.Set<CustomerSegment>().Where(s => s.RunId == valueRunId).ExecuteDeleteAsync(ct);
            await ctx.Set<SegmentProfile>().Where(s => s.RunId == valueRunId).ExecuteDeleteAsync(ct);
            await ctx.Set<ValueRunSkip>().Where(s => s.RunId == valueRunId && s.Step == ValueRunStep.Segments).ExecuteDeleteAsync(ct);
        }
        var n = current.Count;
        var thresholds = GridThresholds.FromValues(current, potential, strategy.Grid);
        current = potential = null!;
        if (n == 0)
        {
            return new SegmentRunResult(valueRunId, 0, [], new Dictionary<SegmentCell, int>());
        }

        // Pass 2: features of every step-th customer (by id) only, to fit the scaler and the groups.
        var step = (int)Math.Ceiling(n / (double)options.SampleSize);
        var sampleIds = new List<long>((n / step) + 1);
        for (var i = 0; i < n; i += step)
        {
            sampleIds.Add(ids[i]);
        }
        ids = null!;
        var sample = new List<double[]>(sampleIds.Count);
        for (var i = 0; i < sampleIds.Count; i += options.ChunkSize)
        {
            var chunk = sampleIds.GetRange(i, Math.Min(options.ChunkSize, sampleIds.Count - i)).ToArray();
            await using var ctx = database.CreateContext();
            var rows = await FeaturesAsync(ctx, chunk[0], chunk[^1], step == 1 ? null : chunk, asOf, ct);
            sample.AddRange(chunk.Where(id => !rows.TryGetValue(id, out var r) || r.Skip is null)
                .Select(id => rows.TryGetValue(id, out var r) ? r.Features : new double[FeatureNames.Count]));
        }
        sampleIds = null!;
        var sampleMatrix = DataMatrix.FromRows(sample);
        var scaler = Standardizer.Fit(sampleMatrix);
        var scaled = scaler.Transform(sampleMatrix);
        var k = Math.Min(options.Groups, DistinctRows(sample, options.Groups));
        var model = new KMeans(new KMeansOptions { K = k, Seed = options.Seed, MaxDegreeOfParallelism = 1 }).Fit(scaled, ct);
        var profiles = ClusterProfile.Build(sampleMatrix, model.PredictMany(scaled), k, FeatureNames);
        sample = null!;

        // Pass 3: assign, place and resolve every customer, written chunk by chunk through the bulk path.
        var sizes = new int[k];
        var cells = new Dictionary<SegmentCell, int>();
        var buffer = new double[FeatureNames.Count];
        var skips = new SkipCounts();
        await ForEachChunkAsync(valueRunId, asOf, async chunk =>
        {
            var rows = new List<object?[]>(chunk.Count);
            var skipped = new List<object?[]>();
            foreach (var row in chunk)
            {
                if (row.Skip is { } reason)
                {
                    skips.Add(reason);
                    skipped.Add([valueRunId, ValueRunStep.Segments, row.CustomerId, null, reason]);
                    LogSkipped(logger, valueRunId, row.CustomerId, reason);
                    continue;
                }
                scaler.Transform(row.Features, buffer);
                var group = model.Predict(buffer);
                var cell = StrategicGrid.Place(row.CurrentValue, row.PotentialValue, thresholds);
                var decision = _table.Resolve(cell, row.State);
                sizes[group]++;
                cells[cell] = cells.GetValueOrDefault(cell) + 1;
                rows.Add([valueRunId, row.CustomerId, cell, group, decision.Strategy, string.Join(',', decision.Channels), decision.ServiceLevel]);
            }
            await using var bulk = await BulkWriter.BeginAsync(database, ct);
            await bulk.WriteAsync(SegmentTable, rows, ct);
            await bulk.WriteAsync(ValueRunner.SkipTable, skipped, ct);
            await bulk.CommitAsync(ct);
            LogChunk(logger, valueRunId, chunk[^1].CustomerId);
        }, ct);

        n -= skips.Total;
        await using (var ctx = database.CreateContext())
        {
            for (var g = 0; g < k; g++)
            {
                var words = profiles[g].Distinctive(count: 4, minimumAbsoluteZScore: 0.3)
                    .Select(f => new SegmentFeature(f.Name, Math.Round(f.Mean, 2), Math.Round(f.OverallMean, 2), Math.Round(f.ZScore, 2)));
                ctx.Add(new SegmentProfile
                {
                    RunId = valueRunId, NeedsGroup = g, Size = sizes[g], Share = n == 0 ? 0 : sizes[g] / (double)n,
                    Profile = JsonSerializer.Serialize(words, Json),
                });
            }
            await ctx.SaveChangesAsync(ct);
        }
        return new SegmentRunResult(valueRunId, n, sizes, cells, skips.ByReason);
    }

    /// <summary>Reads a stored profile (see <see cref="SegmentProfile.Profile"/>).</summary>
    public static IReadOnlyList<SegmentFeature> ReadProfile(string json) => JsonSerializer.Deserialize<List<SegmentFeature>>(json, Json) ?? [];

    private static int DistinctRows(List<double[]> rows, int wanted)
    {
        var distinct = new List<double[]>();
        foreach (var row in rows)
        {
            if (!distinct.Exists(d => d.AsSpan().SequenceEqual(row)))
            {
                distinct.Add(row);
                if (distinct.Count >= wanted)
                {
                    break;
                }
            }
        }
        return Math.Max(1, distinct.Count);
    }

    /// <summary>A customer of the chunk; <see cref="Skip"/> is the reason when their stored values are out of range.</summary>
    private sealed record Row(long CustomerId, decimal CurrentValue, decimal PotentialValue, LifecycleState State, double[] Features, string? Skip = null);

    private async Task ForEachChunkAsync(long runId, DateOnly asOf, Func<List<Row>, Task> handle, CancellationToken ct)
    {
        // The next chunk is read while this one is handled (assigned and written), so that the database and
        // this process work at once; chunks are still handled in id order.
        var next = LoadChunkAsync(runId, 0, asOf, ct);
        try
        {
            while (await next is { Count: > 0 } chunk)
            {
                next = LoadChunkAsync(runId, chunk[^1].CustomerId, asOf, ct);
                await handle(chunk);
            }
        }
        catch
        {
            // The read in flight ends before the failure goes up.
            await Prefetch.EndedAsync(next);
            throw;
        }
    }

    private async Task<List<Row>> LoadChunkAsync(long runId, long lastId, DateOnly asOf, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var values = await ctx.Set<CustomerValue>().AsNoTracking()
            .Where(v => v.RunId == runId && v.CustomerId > lastId).OrderBy(v => v.CustomerId)
            .Select(v => new { v.CustomerId, v.CurrentValue, v.PotentialValue }).Take(options.ChunkSize).ToListAsync(ct);
        if (values.Count == 0)
        {
            return [];
        }
        var rows = await FeaturesAsync(ctx, values[0].CustomerId, values[^1].CustomerId, null, asOf, ct);
        return [.. values.Select(v =>
        {
            var (state, features, skip) = rows.TryGetValue(v.CustomerId, out var r) ? r : (LifecycleState.Prospect, new double[FeatureNames.Count], null);
            return new Row(v.CustomerId, v.CurrentValue, v.PotentialValue, state, features, skip);
        })];
    }

    /// <summary>
    /// Features of the customers with ids in [lo, hi], or only of <paramref name="only"/> (a sample) when given; a
    /// customer with a stored value out of range (<see cref="StoredRanges"/>) gets a skip reason instead.
    /// </summary>
    private static async Task<Dictionary<long, (LifecycleState State, double[] Features, string? Skip)>> FeaturesAsync(CrmDbContext ctx, long lo, long hi, long[]? only, DateOnly asOf, CancellationToken ct)
    {
        var customers = await ctx.Customers.AsNoTracking().Where(c => c.Id >= lo && c.Id <= hi && (only == null || only.Contains(c.Id)))
            .Select(c => new { c.Id, c.BirthDate, c.IncomeBand, c.MaritalStatus, c.Children }).ToListAsync(ct);
        var contracts = (await ctx.Contracts.AsNoTracking()
            .Where(c => c.CustomerId >= lo && c.CustomerId <= hi && c.IssueDate <= asOf && (only == null || only.Contains(c.CustomerId)))
            .Join(ctx.Products, c => c.ProductId, p => p.Id, (c, p) => new { c.CustomerId, p.Family, c.Premium, c.PaymentMode, c.IssueDate, c.Status, c.StatusDate })
            .ToListAsync(ct)).ToLookup(c => c.CustomerId);
        var from = asOf.AddMonths(-12).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var to = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var contacts = await ctx.Interactions.AsNoTracking()
            .Where(i => i.CustomerId >= lo && i.CustomerId <= hi && i.OccurredAt >= from && i.OccurredAt < to && (only == null || only.Contains(i.CustomerId)))
            .GroupBy(i => i.CustomerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var loans = (await ctx.Loans.AsNoTracking()
            .Where(l => l.CustomerId >= lo && l.CustomerId <= hi && l.StartDate <= asOf && (only == null || only.Contains(l.CustomerId))
                && (l.StatusDate > asOf || l.Status == LoanStatus.Active || l.Status == LoanStatus.Delinquent))
            .Select(l => l.CustomerId).Distinct().ToListAsync(ct)).ToHashSet();
        var states = await ctx.Set<CustomerLifecycle>().AsNoTracking()
            .Where(h => h.CustomerId >= lo && h.CustomerId <= hi && h.Dimension == LifecycleDimension.Insurance && (only == null || only.Contains(h.CustomerId))
                && h.Since <= asOf && (h.Until == null || h.Until > asOf))
            .Select(h => new { h.CustomerId, h.State }).ToListAsync(ct);
        var stateById = states.GroupBy(s => s.CustomerId).ToDictionary(g => g.Key, g => g.First().State);

        var result = new Dictionary<long, (LifecycleState, double[], string?)>(customers.Count);
        foreach (var c in customers)
        {
            var held = contracts[c.Id].ToList();
            var invalid = !StoredRanges.IsDate(c.BirthDate) ? SkipReason.BirthDate
                : held.Exists(k => !StoredRanges.IsAmount(k.Premium)) ? SkipReason.Premium
                : held.Exists(k => !StoredRanges.IsDate(k.IssueDate)) ? SkipReason.IssueDate
                : held.Exists(k => !StoredRanges.IsDate(k.StatusDate)) ? SkipReason.StatusDate
                : null;
            if (invalid is not null)
            {
                result[c.Id] = (LifecycleState.Prospect, [], invalid);
                continue;
            }
            // The contract row holds today's status; a change after the as-of date means it was still running then.
            var active = held.Where(k => k.StatusDate > asOf || k.Status is ContractStatus.InForce or ContractStatus.Reinstated or ContractStatus.PaidUp).ToList();
            var monthly = active.Where(k => k.Status != ContractStatus.PaidUp || k.StatusDate > asOf).Sum(k => MonthlyPremium(k.Premium, k.PaymentMode));
            var features = new double[]
            {
                c.BirthDate is { } b ? Months.Between(b, asOf) / 12 : 0,
                (int)c.IncomeBand,
                c.MaritalStatus == MaritalStatus.Married ? 1 : 0,
                c.Children ?? 0,
                active.Count(k => Protection.Contains(k.Family)),
                active.Count(k => Savings.Contains(k.Family)),
                active.Count(k => NonLife.Contains(k.Family)),
                (double)monthly,
                held.Count > 0 ? Months.Between(held.Min(k => k.IssueDate), asOf) : 0,
                contacts.GetValueOrDefault(c.Id),
                loans.Contains(c.Id) ? 1 : 0,
            };
            result[c.Id] = (stateById.TryGetValue(c.Id, out var s) ? s : LifecycleState.Prospect, features,
                Array.TrueForAll(features, double.IsFinite) ? null : SkipReason.Feature);
        }
        return result;
    }

    private static decimal MonthlyPremium(decimal premium, PaymentMode mode) => mode switch
    {
        PaymentMode.Monthly => premium,
        PaymentMode.Quarterly => premium / 3m,
        PaymentMode.SemiAnnual => premium / 6m,
        PaymentMode.Annual => premium / 12m,
        _ => 0m,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segments of run {RunId}: customer {CustomerId} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, long runId, long customerId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Segments of run {RunId}: customers up to id {LastId} done")]
    private static partial void LogChunk(ILogger logger, long runId, long lastId);
}

/// <summary>One distinctive feature of a needs group: its mean in the group, over everyone, and the z-score.</summary>
public sealed record SegmentFeature(string Name, double Mean, double OverallMean, double Z)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Mean:0.##} ({Z:+0.0;-0.0})");
}
