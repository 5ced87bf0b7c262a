using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Value;

public sealed record ValueRunProgress(string Phase, int Done, int Total);

/// <summary>
/// What to run: the date, whether every customer must be recomputed (<paramref name="Full"/>; otherwise
/// only customers whose inputs changed since the newest comparable run), and whether to re-estimate the
/// persistency curves although this month's are stored.
/// </summary>
public sealed record ValueRunRequest(DateOnly AsOf, bool Full = false, bool RefreshCurves = false);

public sealed record ValueRunSummary(
    long RunId, int Customers, IReadOnlyList<int> GradeCounts, IReadOnlyList<ValueDecile> Concentration, PersistencyCurves Curves,
    ValueRunMode Mode = ValueRunMode.Full, long? BaseRunId = null, int Recomputed = 0, bool Resumed = false, bool CurvesReused = false,
    IReadOnlyDictionary<string, int>? SkippedByReason = null, int Regraded = 0, TimeSpan ComputeTime = default, TimeSpan GradeTime = default)
{
    /// <summary>Live customers left out of the run (stored values out of range), by reason code.</summary>
    public IReadOnlyDictionary<string, int> Skips => SkippedByReason ?? new Dictionary<string, int>();

    public int Skipped => Skips.Values.Sum();

    /// <summary>What the run did, for the CLI and the nightly chain's report: the run, how it computed, and the curves.</summary>
    public string Headline(DateOnly asOf)
    {
        var how = Mode == ValueRunMode.Incremental
            ? string.Create(CultureInfo.InvariantCulture, $"incremental on run {BaseRunId}: {Recomputed:N0} computed, {Customers - Recomputed:N0} unchanged")
            : string.Create(CultureInfo.InvariantCulture, $"full: {Recomputed:N0} computed");
        return string.Create(CultureInfo.InvariantCulture,
            $"Value run {RunId} as of {asOf:yyyy-MM-dd}{(Resumed ? " (resumed)" : "")}: {Customers:N0} customers, {how}; persistency curves {(CurvesReused ? "of this month reused" : "estimated")}.");
    }

    /// <summary>
    /// The customers per grade, the time of the two phases with the computed rows whose forecast grade the grading
    /// rewrote (<see cref="Regraded"/>; <see cref="GradeForecast"/>), and the value share by decile when there is one.
    /// </summary>
    public IEnumerable<string> Figures()
    {
        yield return "Grades A-G: " + string.Join(" / ", GradeCounts.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)));
        yield return string.Create(CultureInfo.InvariantCulture,
            $"Computing {ComputeTime.TotalSeconds:F1} s, grading {GradeTime.TotalSeconds:F1} s ({Regraded:N0} forecast grades rewritten, {Customers - Recomputed:N0} rows copied).");
        if (Concentration.Count > 0)
        {
            yield return "Value share by decile (top first): " + string.Join(" ", Concentration.Select(d => string.Create(CultureInfo.InvariantCulture, $"D{d.Decile} {d.Share:P1}")));
        }
    }
}

/// <summary>
/// Computes every live customer's value as of a date, in customer-id chunks; memory holds only an id and a
/// total per customer. docs/value.md ("Runs") describes the modes:
/// <list type="bullet">
/// <item>Persistency curves are an assumption of the month: the first run of a month (or one asked to
/// refresh) estimates them from the whole book; later runs of the month reuse them.</item>
/// <item>Incremental (the default when a completed run with the same options and curves exists): a
/// customer whose input fingerprint (<see cref="ValueInputs"/>) equals the base run's is copied from it
/// in the database; only the others are computed. Full computes everyone. Both give the same rows.</item>
/// <item>Resumable: each chunk commits with the run's cursor; a run that failed or was stopped is
/// continued by the next run for the same date and options.</item>
/// <item>Grades are set by rank once every customer has a value, in the transaction that copies the
/// unchanged customers (computed rows are written with a forecast grade, and only wrong forecasts are
/// rewritten); readers only ever see completed runs.</item>
/// </list>
/// </summary>
public sealed partial class ValueRunner(CrmDatabase database, IOptions<ValueOptions> options, TimeProvider time, ILogger<ValueRunner> logger)
{
    private static readonly BulkTable CustomerValueTable = new("customer_value",
        ("run_id", typeof(long)), ("customer_id", typeof(long)), ("experience_value", typeof(decimal)),
        ("current_value", typeof(decimal)), ("potential_value", typeof(decimal)), ("total_value", typeof(decimal)),
        ("grade", typeof(string)), ("explanation", typeof(string)), ("fingerprint", typeof(long)));

    private static readonly BulkTable GradeTable = new("value_grade", ("customer_id", typeof(long)), ("grade", typeof(string)));

    internal static readonly BulkTable SkipTable = new("value_run_skip",
        ("run_id", typeof(long)), ("step", typeof(string)), ("customer_id", typeof(long)), ("contract_id", typeof(long?)), ("reason", typeof(string)));

    private sealed record Chunk(long From, long To, int Count);

    public Task<ValueRunSummary> RunAsync(DateOnly asOf, CancellationToken ct = default) => RunAsync(new ValueRunRequest(asOf), null, ct);

    public Task<ValueRunSummary> RunAsync(DateOnly asOf, IProgress<ValueRunProgress>? progress, CancellationToken ct = default) =>
        RunAsync(new ValueRunRequest(asOf), progress, ct);

    public async Task<ValueRunSummary> RunAsync(ValueRunRequest request, IProgress<ValueRunProgress>? progress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var opts = options.Value;
        var asOf = request.AsOf;
        var optionsHash = Sha256(JsonSerializer.SerializeToUtf8Bytes(opts));
        ValueRun run;
        var resumed = false;
        var curvesReused = false;
        PersistencyCurves? curves = null;
        await using (var ctx = database.CreateContext())
        {
            var unfinished = request.RefreshCurves ? null : await ctx.Set<ValueRun>()
                .Where(r => r.RunDate == asOf && r.Status != ValueRunStatus.Completed && r.OptionsHash == optionsHash && r.Curves != null)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
            if (unfinished is not null && (!request.Full || unfinished.Mode == ValueRunMode.Full))
            {
                run = unfinished;
                run.Status = ValueRunStatus.Running;
                run.FinishedAt = null;
                curves = PersistencyCurves.FromJson(run.Curves!);
                resumed = true;
                LogResumed(run.Id, run.ProcessedThrough ?? 0);
            }
            else
            {
                run = new ValueRun { RunDate = asOf, StartedAt = time.GetUtcNow().UtcDateTime, Status = ValueRunStatus.Running, OptionsHash = optionsHash };
                if (!request.RefreshCurves)
                {
                    var month = new DateOnly(asOf.Year, asOf.Month, 1);
                    var source = await ctx.Set<ValueRun>().AsNoTracking()
                        .Where(r => r.Status == ValueRunStatus.Completed && r.OptionsHash == optionsHash && r.Curves != null
                            && r.CurvesAsOf >= month && r.CurvesAsOf <= asOf)
                        .OrderByDescending(r => r.CurvesAsOf).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
                    if (source is not null)
                    {
                        curves = PersistencyCurves.FromJson(source.Curves!);
                        (run.Curves, run.CurvesHash, run.CurvesAsOf) = (source.Curves, source.CurvesHash, source.CurvesAsOf);
                        curvesReused = true;
                    }
                }
                ctx.Set<ValueRun>().Add(run);
            }
            await ctx.SaveChangesAsync(ct);
        }
        LogStarted(run.Id, asOf);
        try
        {
            var ids = await LiveCustomerIdsAsync(ct);
            if (curves is null)
            {
                curves = await EstimateCurvesAsync(asOf, opts, progress, ct);
                var json = curves.ToJson();
                run.Curves = json;
                run.CurvesHash = Sha256(Encoding.UTF8.GetBytes(json));
                run.CurvesAsOf = asOf;
            }
            if (!resumed)
            {
                await using var ctx = database.CreateContext();
                var baseRun = request.Full ? null : await ctx.Set<ValueRun>().AsNoTracking()
                    .Where(r => r.Status == ValueRunStatus.Completed && r.OptionsHash == optionsHash && r.CurvesHash == run.CurvesHash && r.RunDate <= asOf)
                    .OrderByDescending(r => r.RunDate).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
                run.Mode = baseRun is null ? ValueRunMode.Full : ValueRunMode.Incremental;
                run.BaseRunId = baseRun?.Id;
                ctx.Attach(run);
                ctx.Entry(run).State = EntityState.Modified;
                await ctx.SaveChangesAsync(ct);
            }

            var started = time.GetTimestamp();
            await ComputeAsync(run, ids, curves, asOf, progress, ct);
            var computeTime = time.GetElapsedTime(started);
            started = time.GetTimestamp();
            var (n, counts, concentration, regraded) = await GradeAsync(run, progress, ct);
            var gradeTime = time.GetElapsedTime(started);

            IReadOnlyDictionary<string, int> skips;
            await using (var ctx = database.CreateContext())
            {
                skips = await SkipsAsync(ctx, run.Id, ValueRunStep.Value, ct);
                ctx.Attach(run);
                run.Status = ValueRunStatus.Completed;
                run.FinishedAt = time.GetUtcNow().UtcDateTime;
                run.Customers = n;
                run.Skipped = skips.Values.Sum();
                await ctx.SaveChangesAsync(ct);
            }
            LogFinished(run.Id, n, run.Recomputed, run.Skipped, regraded);
            return new ValueRunSummary(run.Id, n, counts, concentration, curves, run.Mode, run.BaseRunId, run.Recomputed, resumed, curvesReused, skips,
                regraded, computeTime, gradeTime);
        }
        catch (Exception)
        {
            await using var ctx = database.CreateContext();
            var stored = await ctx.Set<ValueRun>().SingleAsync(r => r.Id == run.Id, CancellationToken.None);
            stored.Status = ValueRunStatus.Failed;
            stored.FinishedAt = time.GetUtcNow().UtcDateTime;
            await ctx.SaveChangesAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>The customers a step of a run skipped, by reason code.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> SkipsAsync(CrmDbContext ctx, long runId, string step, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var rows = await ctx.Set<ValueRunSkip>().AsNoTracking().Where(s => s.RunId == runId && s.Step == step)
            .GroupBy(s => s.Reason).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return new SortedDictionary<string, int>(rows.ToDictionary(r => r.Key, r => r.Count), StringComparer.Ordinal);
    }

    private async Task<List<long>> LiveCustomerIdsAsync(CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        return await ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
    }

    private List<Chunk> Chunks(List<long> ids, int start)
    {
        var size = options.Value.ChunkSize;
        var chunks = new List<Chunk>();
        for (var i = start; i < ids.Count; i += size)
        {
            var last = Math.Min(i + size, ids.Count) - 1;
            chunks.Add(new Chunk(ids[i], ids[last], last - i + 1));
        }
        return chunks;
    }

    /// <summary>
    /// The life tables of the whole book in one pass: the contracts (loans aside) in id order and every status change
    /// in (contract, date, id) order, read side by side as two streams and merged by contract id. The estimator only
    /// counts, so the order of the contracts does not matter; reading them customer chunk by customer chunk cost two
    /// queries per chunk (a thousand at a million customers) and a join per status change.
    /// </summary>
    private async Task<PersistencyCurves> EstimateCurvesAsync(DateOnly asOf, ValueOptions opts, IProgress<ValueRunProgress>? progress, CancellationToken ct)
    {
        var estimator = new PersistencyEstimator(asOf);
        await using var contractsCtx = database.CreateContext();
        await using var eventsCtx = database.CreateContext();
        var book = from c in contractsCtx.Contracts.AsNoTracking()
                   join p in contractsCtx.Products on c.ProductId equals p.Id
                   where p.Line != ProductLine.Loan
                   select new { c.Id, c.CustomerId, p.Family, c.PaymentMode, c.Premium, c.SumAssured, c.IssueDate, c.MaturityDate, c.Status, c.StatusDate };
        var total = await book.CountAsync(ct);
        await using var contracts = book.OrderBy(c => c.Id).AsAsyncEnumerable().WithCancellation(ct).GetAsyncEnumerator();
        await using var events = eventsCtx.ContractStatusChanges.AsNoTracking()
            .OrderBy(e => e.ContractId).ThenBy(e => e.EffectiveDate).ThenBy(e => e.Id)
            .Select(e => new { e.ContractId, e.EffectiveDate, e.ToStatus })
            .AsAsyncEnumerable().WithCancellation(ct).GetAsyncEnumerator();
        var hasEvent = await events.MoveNextAsync();
        var held = new List<StatusEvent>();
        var (done, left, reported) = (0, 0, 0);
        while (await contracts.MoveNextAsync())
        {
            var c = contracts.Current;
            // Status changes of contracts not in the stream (loans) are passed over.
            while (hasEvent && events.Current.ContractId < c.Id)
            {
                hasEvent = await events.MoveNextAsync();
            }
            held.Clear();
            while (hasEvent && events.Current.ContractId == c.Id)
            {
                held.Add(new StatusEvent(events.Current.EffectiveDate, events.Current.ToStatus));
                hasEvent = await events.MoveNextAsync();
            }
            var facts = new ContractFacts(c.Id, c.CustomerId, c.Family, c.PaymentMode, c.Premium, c.SumAssured,
                c.IssueDate, c.MaturityDate, c.Status, c.StatusDate, held, 0m);
            // A contract dated outside what an insurer holds would sit in the table for centuries; its
            // holder is skipped (and recorded) by the value step.
            if (ValueInputs.Check(facts) is not null)
            {
                left++;
            }
            else
            {
                estimator.Add(c.Family, c.IssueDate, held);
            }
            done++;
            if (done * 100L / total is var percent && percent > reported)
            {
                reported = (int)percent;
                progress?.Report(new ValueRunProgress("persistency", reported, 100));
            }
        }
        progress?.Report(new ValueRunProgress("persistency", 100, 100));
        if (left > 0)
        {
            LogCurvesLeftOut(left);
        }
        return estimator.Build(opts.MinContractsForCurve, opts.FallbackAnnualLapseRate);
    }

    private sealed record ChunkInputs(ILookup<long, ContractFacts> Contracts, List<CustomerFacts> Customers, Dictionary<long, long> BaseFingerprints);

    private async Task<ChunkInputs> LoadChunkAsync(Chunk chunk, long? baseRunId, DateOnly asOf, CancellationToken ct)
    {
        var contracts = (await LoadContractsAsync(chunk, asOf, ct)).ToLookup(c => c.CustomerId);
        await using var ctx = database.CreateContext();
        var customers = await ctx.Customers.AsNoTracking()
            .Where(c => c.Id >= chunk.From && c.Id <= chunk.To && c.MergedIntoId == null)
            .OrderBy(c => c.Id)
            .Select(c => new CustomerFacts(c.Id, c.Kind, c.BirthDate, c.Children))
            .ToListAsync(ct);
        Dictionary<long, long> baseFingerprints = [];
        if (baseRunId is { } baseId)
        {
            baseFingerprints = await ctx.Set<CustomerValue>().AsNoTracking()
                .Where(v => v.RunId == baseId && v.CustomerId >= chunk.From && v.CustomerId <= chunk.To)
                .ToDictionaryAsync(v => v.CustomerId, v => v.Fingerprint, ct);
        }
        return new ChunkInputs(contracts, customers, baseFingerprints);
    }

    private async Task ComputeAsync(ValueRun run, List<long> ids, PersistencyCurves curves, DateOnly asOf, IProgress<ValueRunProgress>? progress, CancellationToken ct)
    {
        var calculator = new ValueCalculator(options.Value, curves, asOf);
        var start = run.ProcessedThrough is { } done ? ids.BinarySearch(done) is var i && i >= 0 ? i + 1 : ~i : 0;
        var chunks = Chunks(ids, start);
        var forecast = run.BaseRunId is { } baseId
            ? GradeForecast.FromBounds(await LastOfEachGradeAsync(baseId, ct))
            : new GradeForecast(options.Value.EffectiveGradeShares);
        // The next chunk is read while this one is computed and written: the database and the calculator
        // then work on the two cores at once. Writes stay in chunk order, so the resume cursor holds.
        var next = chunks.Count > 0 ? LoadChunkAsync(chunks[0], run.BaseRunId, asOf, ct) : null;
        try
        {
            for (var k = 0; k < chunks.Count; k++)
            {
                var chunk = chunks[k];
                var inputs = await next!;
                next = k + 1 < chunks.Count ? LoadChunkAsync(chunks[k + 1], run.BaseRunId, asOf, ct) : null;
                var rows = new List<object?[]>(inputs.Customers.Count);
                var skips = new List<object?[]>();
                void Skip(long customerId, long? contractId, string reason)
                {
                    skips.Add([run.Id, ValueRunStep.Value, customerId, contractId, reason]);
                    LogSkipped(run.Id, ValueRunStep.Value, customerId, contractId, reason);
                }
                foreach (var customer in inputs.Customers)
                {
                    var held = inputs.Contracts[customer.Id].ToList();
                    // One customer's impossible row (written by an older version or by hand) costs that
                    // customer's value, not the night's run.
                    if (ValueInputs.Check(customer, held) is { } problem)
                    {
                        Skip(customer.Id, problem.ContractId, problem.Reason);
                        continue;
                    }
                    long fingerprint;
                    CustomerValueResult value;
                    try
                    {
                        fingerprint = ValueInputs.Fingerprint(customer, held, asOf);
                        if (inputs.BaseFingerprints.TryGetValue(customer.Id, out var before) && before == fingerprint)
                        {
                            continue;
                        }
                        value = calculator.Customer(customer, held);
                    }
                    catch (Exception ex) when (ex is ArithmeticException or ArgumentOutOfRangeException)
                    {
                        Skip(customer.Id, null, SkipReason.Arithmetic);
                        continue;
                    }
                    if (!ValueInputs.Fits(value))
                    {
                        Skip(customer.Id, null, SkipReason.ValueOutOfRange);
                        continue;
                    }
                    rows.Add([run.Id, customer.Id, value.Experience, value.Current, value.Potential, value.Total, null, value.ExplanationJson(), fingerprint]);
                    forecast.Add(customer.Id, value.Total);
                }
                forecast.ChunkAdded();
                foreach (var row in rows)
                {
                    row[6] = forecast.Grade((long)row[1]!, (decimal)row[5]!);
                }
                await using (var bulk = await BulkWriter.BeginAsync(database, ct))
                {
                    await bulk.WriteAsync(CustomerValueTable, rows, ct);
                    await bulk.WriteAsync(SkipTable, skips, ct);
                    await ExecuteAsync(bulk, "UPDATE value_run SET processed_through = @p, recomputed = recomputed + @n WHERE id = @r", ct,
                        ("@p", chunk.To), ("@n", rows.Count), ("@r", run.Id));
                    await bulk.CommitAsync(ct);
                }
                run.ProcessedThrough = chunk.To;
                run.Recomputed += rows.Count;
                progress?.Report(new ValueRunProgress("value", k + 1, chunks.Count));
            }
        }
        catch
        {
            // The read in flight ends before the caller marks the run failed.
            await Prefetch.EndedAsync(next);
            throw;
        }
    }

    /// <summary>
    /// The last-ranked customer (lowest total, then highest id) of each grade but the last in a completed run; null for a
    /// grade nobody had. Two aggregates over the run's rows, read before its first chunk by an incremental run.
    /// </summary>
    private async Task<(decimal Total, long Id)?[]> LastOfEachGradeAsync(long runId, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var rows = ctx.Set<CustomerValue>().Where(v => v.RunId == runId);
        var lowest = rows.GroupBy(v => v.Grade).Select(g => new { Grade = g.Key, Total = g.Min(v => v.TotalValue) });
        var last = await (
            from v in rows
            join l in lowest on new { v.Grade, v.TotalValue } equals new { l.Grade, TotalValue = l.Total }
            group v by new { v.Grade, v.TotalValue } into g
            select new { g.Key.Grade, g.Key.TotalValue, Id = g.Max(v => v.CustomerId) })
            .ToListAsync(ct);
        var bounds = new (decimal, long)?[ValueGrades.Letters.Length - 1];
        foreach (var b in last)
        {
            if (b.Grade is [var letter] && Array.IndexOf(ValueGrades.Letters, letter) is var g && g >= 0 && g < bounds.Length)
            {
                bounds[g] = (b.TotalValue, b.Id);
            }
        }
        return bounds;
    }

    /// <summary>
    /// Ranks every live customer of the run (computed rows and, for an incremental run, the unchanged rows
    /// of the base run), corrects the computed rows written with another grade than their rank gives
    /// (<see cref="GradeForecast"/>) and copies the unchanged rows with theirs, in one transaction: a computed
    /// row is written once more at most, and a copied row never twice.
    /// </summary>
    private async Task<(int Customers, int[] Counts, IReadOnlyList<ValueDecile> Concentration, int Regraded)> GradeAsync(ValueRun run, IProgress<ValueRunProgress>? progress, CancellationToken ct)
    {
        var sqlite = database.Provider == DatabaseProvider.Sqlite;
        var temp = sqlite ? "CREATE TEMP TABLE value_grade (customer_id INTEGER PRIMARY KEY, grade TEXT NOT NULL)"
            : "CREATE TEMP TABLE value_grade (customer_id bigint PRIMARY KEY, grade varchar(1) NOT NULL) ON COMMIT DROP";
        await using var bulk = await BulkWriter.BeginAsync(database, ct);
        const string Unchanged = """
            FROM customer_value b JOIN customer c ON c.id = b.customer_id
            WHERE b.run_id = @base AND c.merged_into_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM customer_value n WHERE n.run_id = @r AND n.customer_id = b.customer_id)
              AND NOT EXISTS (SELECT 1 FROM value_run_skip k WHERE k.run_id = @r AND k.step = 'value' AND k.customer_id = b.customer_id)
            """;
        var ids = new List<long>();
        var totals = new List<decimal>();
        // The grade a computed row was written with (GradeForecast's guess; none for an unchanged row not yet copied).
        var written = new List<char>();
        await using (var cmd = Command(bulk, "SELECT customer_id, total_value, grade FROM customer_value WHERE run_id = @r"
            + (run.BaseRunId is null ? "" : " UNION ALL SELECT b.customer_id, b.total_value, NULL\n" + Unchanged),
            ("@r", run.Id), ("@base", run.BaseRunId ?? 0)))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
                totals.Add(reader.GetDecimal(1));
                written.Add(reader.IsDBNull(2) ? '\0' : reader.GetString(2)[0]);
            }
        }
        var idArray = ids.ToArray();
        var totalArray = totals.ToArray();
        ids = null!;
        totals = null!;
        var order = ValueGrades.Order(idArray, totalArray);
        var counts = ValueGrades.Counts(idArray.Length, options.Value.EffectiveGradeShares);
        // Only the rows written with another grade, and the unchanged ones to copy, go to the grade table.
        var grades = new List<object?[]>();
        var ranked = new decimal[order.Length];
        var rank = 0;
        var regraded = 0;
        for (var g = 0; g < counts.Length; g++)
        {
            var letter = ValueGrades.Letters[g];
            for (var i = 0; i < counts[g]; i++, rank++)
            {
                var k = order[rank];
                ranked[rank] = totalArray[k];
                if (written[k] != letter)
                {
                    grades.Add([idArray[k], letter.ToString()]);
                    regraded += written[k] == '\0' ? 0 : 1;
                }
            }
        }
        written = null!;
        await ExecuteAsync(bulk, temp, ct);
        await bulk.WriteAsync(GradeTable, grades, ct);
        grades = null!;
        await ExecuteAsync(bulk, """
            UPDATE customer_value SET grade = g.grade FROM value_grade g
            WHERE customer_value.run_id = @r AND customer_value.customer_id = g.customer_id
            """, ct, ("@r", run.Id));
        if (run.BaseRunId is { } baseId)
        {
            await ExecuteAsync(bulk, """
                INSERT INTO customer_value (run_id, customer_id, experience_value, current_value, potential_value, total_value, grade, explanation, fingerprint)
                SELECT @r, b.customer_id, b.experience_value, b.current_value, b.potential_value, b.total_value, g.grade, b.explanation, b.fingerprint
                """ + "\n" + Unchanged.Replace("FROM customer_value b", "FROM customer_value b JOIN value_grade g ON g.customer_id = b.customer_id", StringComparison.Ordinal),
                ct, ("@r", run.Id), ("@base", baseId));
        }
        if (sqlite)
        {
            await ExecuteAsync(bulk, "DROP TABLE value_grade", ct);
        }
        await bulk.CommitAsync(ct);
        progress?.Report(new ValueRunProgress("grades", 1, 1));
        return (idArray.Length, counts, ValueGrades.Concentration(ranked), regraded);
    }

    private static DbCommand Command(BulkWriter bulk, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = bulk.Connection.CreateCommand();
        cmd.Transaction = bulk.Transaction;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static async Task ExecuteAsync(BulkWriter bulk, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Command(bulk, sql, parameters);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task<List<ContractFacts>> LoadContractsAsync(Chunk chunk, DateOnly asOf, CancellationToken ct)
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
        return [.. contracts.Select(c => new ContractFacts(c.Id, c.CustomerId, c.Family, c.PaymentMode, c.Premium, c.SumAssured,
            c.IssueDate, c.MaturityDate, c.Status, c.StatusDate, [.. events[c.Id]], claims.GetValueOrDefault(c.Id)))];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Value run {RunId} started as of {AsOf}")]
    private partial void LogStarted(long runId, DateOnly asOf);

    [LoggerMessage(Level = LogLevel.Information, Message = "Value run {RunId} finished: {Customers} customers, {Recomputed} computed ({Regraded} forecast grades rewritten), {Skipped} skipped")]
    private partial void LogFinished(long runId, int customers, int recomputed, int skipped, int regraded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Value run {RunId} {Step}: customer {CustomerId} skipped (contract {ContractId}): {Reason}")]
    private partial void LogSkipped(long runId, string step, long customerId, long? contractId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persistency curves: {Contracts} contracts with stored values out of range left out")]
    private partial void LogCurvesLeftOut(int contracts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Value run {RunId} resumed after customer {ProcessedThrough}")]
    private partial void LogResumed(long runId, long processedThrough);
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
