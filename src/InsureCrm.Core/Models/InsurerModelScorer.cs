using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Models;

/// <summary>One reason behind a score: a feature key, the customer's value of it, and how far it moved the score (log-odds for logistic models).</summary>
public sealed record ScoreReason(string Feature, string Value, double Effect);

/// <summary>
/// One champion scored in a run: <see cref="Scored"/> rows (customers, contracts or agents by <see cref="Subject"/>), <see cref="Eligible"/>
/// of them in the population; <see cref="SkippedByReason"/>: customers (with their contracts) or agents left out because a stored value is out of range.
/// </summary>
public sealed record ModelScoreRunSummary(string Name, int Version, long RunId, int Scored, int Eligible, ModelSubject Subject = ModelSubject.Customer,
    IReadOnlyDictionary<string, int>? SkippedByReason = null)
{
    public IReadOnlyDictionary<string, int> Skips => SkippedByReason ?? new Dictionary<string, int>();

    public int Skipped => Skips.Values.Sum();

    /// <summary>What the run did, for the CLI and the nightly chain's report: the model, the run, the rows scored and any left out.</summary>
    public string Describe(DateOnly asOf)
    {
        var rows = Subject switch { ModelSubject.Contract => "active contracts", ModelSubject.Agent => "active agents", _ => "customers" };
        var skipped = Skipped == 0 ? ""
            : $"; {SkipCounts.Describe(Skips)} {(Subject == ModelSubject.Agent ? "agents" : "customers")} with stored values out of range (ids in the log)";
        return string.Create(CultureInfo.InvariantCulture, $"{Name} v{Version}: run {RunId} as of {asOf:yyyy-MM-dd}, {Scored:N0} {rows} ({Eligible:N0} in the model's population){skipped}");
    }
}

/// <summary>
/// Scores every live customer, contract and agent with every champion of their kind as of a date: customer
/// features are computed once per chunk of customers (chunks side by side) and scored by each customer
/// champion, and the contracts active in the chunk by each contract champion; agents are scored once at the
/// end. Each champion's rows go to its own run (one per model version and date; a rerun for the same date
/// replaces it). Rows outside a model's population get an ineligible row with score 0.
/// </summary>
public sealed partial class InsurerModelScorer(CrmDatabase database, InsurerModelOptions options, ModelRegistry registry, TimeProvider time,
    ILogger<InsurerModelScorer> logger)
{
    /// <summary>Advisory-lock id of the scoring job (one node at a time).</summary>
    public const long LockId = 0x1D5C_0D3E_0005;

    /// <summary>How many reasons are kept per score.</summary>
    public const int Reasons = 3;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly BulkTable ScoreTable = new("customer_model_score",
        ("run_id", typeof(long)), ("customer_id", typeof(long)), ("score", typeof(double)), ("eligible", typeof(bool)), ("reasons", typeof(string)));

    private static readonly BulkTable ContractScoreTable = new("contract_model_score",
        ("run_id", typeof(long)), ("contract_id", typeof(long)), ("customer_id", typeof(long)), ("score", typeof(double)), ("eligible", typeof(bool)), ("reasons", typeof(string)));

    private static readonly BulkTable AgentScoreTable = new("agent_model_score",
        ("run_id", typeof(long)), ("agent_id", typeof(long)), ("score", typeof(double)), ("eligible", typeof(bool)), ("reasons", typeof(string)));

    /// <summary>Scores with every champion; null when another node holds the job lock. No champion: an empty list.</summary>
    public async Task<IReadOnlyList<ModelScoreRunSummary>?> RunAsync(DateOnly asOf, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        await using var lease = await JobLock.TryAcquireAsync(database, LockId, ct);
        if (lease is null)
        {
            return null;
        }
        var champions = await registry.ChampionsAsync(ct);
        if (champions.Count == 0)
        {
            return [];
        }
        // A champion trained before features were added reads its own columns by name (FeatureMap); one that needs a
        // feature no longer computed stops the run before anything is written, naming it.
        var all = champions.Where(c => InsurerModels.Find(c.Name) is not null)
            .Select(c => (Version: c, Classifier: ModelRegistry.Load(c), Model: InsurerModels.Find(c.Name)!))
            .Select(m => (m.Version, m.Classifier, m.Model, Map: FeatureMap.Of(m.Classifier.Features, m.Model.Features, $"Champion {m.Version.Name} v{m.Version.Version}")))
            .ToList();
        // Customer champions first, then contract, then agent ones: runs, counts and summaries share this order.
        all = [.. all.OrderBy(m => m.Model.Subject).ThenBy(m => m.Version.Name, StringComparer.Ordinal)];
        var models = all.Where(m => m.Model.Subject == ModelSubject.Customer)
            .Select(m => (m.Version, m.Classifier, Index: InsurerModelTrainer.IndexOf(m.Model), m.Map)).ToList();
        var contractModels = all.Where(m => m.Model.Subject == ModelSubject.Contract).Select(m => (m.Version, m.Classifier, m.Map)).ToList();
        var agentModels = all.Where(m => m.Model.Subject == ModelSubject.Agent).Select(m => (m.Version, m.Classifier, m.Model, m.Map)).ToList();
        var runs = new ModelScoreRun[all.Count];
        Dictionary<long, DateOnly> terminations;
        await using (var ctx = database.CreateContext())
        {
            var versionIds = all.Select(m => m.Version.Id).ToList();
            await using var tx = await ctx.Database.BeginTransactionAsync(ct);
            // A rerun for the same date replaces that date's runs. The customer and contract score tables have no
            // foreign keys (migration 0020), so their rows go here, not by cascade; agent scores still cascade.
            var replaced = ctx.Set<ModelScoreRun>().Where(r => versionIds.Contains(r.ModelVersionId) && r.RunDate == asOf).Select(r => r.Id);
            await ctx.Set<CustomerModelScore>().Where(s => replaced.Contains(s.RunId)).ExecuteDeleteAsync(ct);
            await ctx.Set<ContractModelScore>().Where(s => replaced.Contains(s.RunId)).ExecuteDeleteAsync(ct);
            await ctx.Set<ModelScoreRun>().Where(r => versionIds.Contains(r.ModelVersionId) && r.RunDate == asOf).ExecuteDeleteAsync(ct);
            for (var i = 0; i < all.Count; i++)
            {
                runs[i] = new ModelScoreRun { ModelVersionId = all[i].Version.Id, RunDate = asOf, StartedAt = time.GetUtcNow().UtcDateTime, Status = ModelScoreRunStatus.Running };
                ctx.Add(runs[i]);
            }
            await ctx.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, ct);
        }
        var ranges = models.Count + contractModels.Count == 0 ? [] : await CustomerChunks.RangesAsync(database, options.ChunkSize, ct);
        var scored = new int[all.Count];
        var eligible = new int[all.Count];
        var skips = all.Select(_ => new SkipCounts()).ToArray();
        var done = 0;
        using var writeGate = database.Provider == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;
        try
        {
            await Parallel.ForEachAsync(ranges, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (range, token) =>
            {
                FeatureChunk chunk;
                await using (var ctx = database.CreateContext())
                {
                    chunk = await InsurerFeatures.ComputeAsync(ctx, range.From, range.To, asOf, withLabels: false, terminations, token);
                }
                foreach (var (customerId, reason) in chunk.Skipped)
                {
                    LogSkipped(logger, "customer", customerId, reason);
                    for (var i = 0; i < models.Count + contractModels.Count; i++)
                    {
                        skips[i].Add(reason);
                    }
                }
                var rows = new List<ScoreRow>[models.Count];
                var row = new double[InsurerFeatures.Features.Count];
                var own = new double[InsurerFeatures.Features.Count];
                for (var i = 0; i < models.Count; i++)
                {
                    rows[i] = new List<ScoreRow>(chunk.Rows);
                }
                for (var r = 0; r < chunk.Rows; r++)
                {
                    chunk.CopyRow(r, row);
                    for (var i = 0; i < models.Count; i++)
                    {
                        var (_, classifier, index, map) = models[i];
                        if (!chunk.Eligible[index][r])
                        {
                            rows[i].Add(new ScoreRow(chunk.CustomerIds[r], 0, 0.0, false, "[]"));
                            continue;
                        }
                        var (probability, reasons) = Score(classifier, map.Row(row, own));
                        rows[i].Add(new ScoreRow(chunk.CustomerIds[r], 0, probability, true, reasons));
                    }
                }
                var contractRows = new List<ScoreRow>[contractModels.Count];
                if (contractModels.Count > 0)
                {
                    var contracts = ContractFeatures.From(chunk, asOf);
                    var contractRow = new double[ContractFeatures.Features.Count];
                    var ownContract = new double[ContractFeatures.Features.Count];
                    for (var i = 0; i < contractModels.Count; i++)
                    {
                        contractRows[i] = new List<ScoreRow>(contracts.Rows);
                    }
                    for (var r = 0; r < contracts.Rows; r++)
                    {
                        contracts.CopyRow(r, contractRow);
                        for (var i = 0; i < contractModels.Count; i++)
                        {
                            if (!contracts.Eligible[0][r])
                            {
                                contractRows[i].Add(new ScoreRow(contracts.Ids[r], contracts.SplitKeys[r], 0.0, false, "[]"));
                                continue;
                            }
                            var (probability, reasons) = Score(contractModels[i].Classifier, contractModels[i].Map.Row(contractRow, ownContract));
                            contractRows[i].Add(new ScoreRow(contracts.Ids[r], contracts.SplitKeys[r], probability, true, reasons));
                        }
                    }
                }
                // SQLite has one writer. PostgreSQL takes the chunks' COPYs side by side (the score tables have no foreign
                // keys to lock on), so that writing a chunk overlaps computing the next instead of queueing behind it.
                if (writeGate is not null)
                {
                    await writeGate.WaitAsync(token);
                }
                try
                {
                    await using var bulk = await BulkWriter.BeginAsync(database, token);
                    for (var i = 0; i < models.Count; i++)
                    {
                        var runId = runs[i].Id;
                        await bulk.WriteAsync(ScoreTable, rows[i], (w, x) => w.Id(runId).Id(x.Id).Real(x.Score).Flag(x.Eligible).Text(x.Reasons), token);
                    }
                    for (var i = 0; i < contractModels.Count; i++)
                    {
                        var runId = runs[models.Count + i].Id;
                        await bulk.WriteAsync(ContractScoreTable, contractRows[i],
                            (w, x) => w.Id(runId).Id(x.Id).Id(x.CustomerId).Real(x.Score).Flag(x.Eligible).Text(x.Reasons), token);
                    }
                    await bulk.CommitAsync(token);
                    lock (scored)
                    {
                        for (var i = 0; i < models.Count; i++)
                        {
                            scored[i] += rows[i].Count;
                            eligible[i] += rows[i].Count(x => x.Eligible);
                        }
                        for (var i = 0; i < contractModels.Count; i++)
                        {
                            scored[models.Count + i] += contractRows[i].Count;
                            eligible[models.Count + i] += contractRows[i].Count(x => x.Eligible);
                        }
                        progress?.Report((++done, ranges.Count));
                    }
                }
                finally
                {
                    writeGate?.Release();
                }
            });
            if (agentModels.Count > 0)
            {
                await ScoreAgentsAsync(agentModels, runs.AsMemory(models.Count + contractModels.Count), scored.AsMemory(models.Count + contractModels.Count),
                    eligible.AsMemory(models.Count + contractModels.Count), skips.AsMemory(models.Count + contractModels.Count), asOf, ct);
            }
        }
        catch
        {
            await FinishAsync(runs, scored, skips, ModelScoreRunStatus.Failed);
            throw;
        }
        await FinishAsync(runs, scored, skips, ModelScoreRunStatus.Completed);
        var summaries = all.Select((m, i) => new ModelScoreRunSummary(m.Version.Name, m.Version.Version, runs[i].Id, scored[i], eligible[i], m.Model.Subject, skips[i].ByReason)).ToList();
        foreach (var s in summaries)
        {
            LogScored(logger, s.Name, s.Version, s.RunId, s.Scored, s.Subject, s.Skipped);
        }
        return summaries;
    }

    /// <summary>Every agent active on <paramref name="asOf"/> by each agent champion (a few thousand rows at most: one pass, one write).</summary>
    private async Task ScoreAgentsAsync(List<(ModelVersion Version, IClassifier Classifier, InsurerModel Model, FeatureMap Map)> agentModels, Memory<ModelScoreRun> runs,
        Memory<int> scored, Memory<int> eligible, Memory<SkipCounts> skips, DateOnly asOf, CancellationToken ct)
    {
        AgentHistory history;
        await using (var ctx = database.CreateContext())
        {
            history = await AgentHistory.LoadAsync(ctx, asOf.AddMonths(-AgentFeatures.ObservationMonths), asOf, ct);
        }
        foreach (var (agentId, reason) in history.Skipped)
        {
            LogSkipped(logger, "agent", agentId, reason);
            foreach (var counts in skips.Span)
            {
                counts.Add(reason);
            }
        }
        await using var bulk = await BulkWriter.BeginAsync(database, ct);
        for (var i = 0; i < agentModels.Count; i++)
        {
            var (_, classifier, model, map) = agentModels[i];
            var chunk = AgentFeatures.Compute(history, model, asOf, withLabels: false);
            var row = new double[chunk.Columns.Length];
            var own = new double[chunk.Columns.Length];
            var rows = new List<object?[]>(chunk.Rows);
            for (var r = 0; r < chunk.Rows; r++)
            {
                if (!chunk.Eligible[0][r])
                {
                    rows.Add([runs.Span[i].Id, chunk.Ids[r], 0.0, false, "[]"]);
                    continue;
                }
                chunk.CopyRow(r, row);
                var (probability, reasons) = Score(classifier, map.Row(row, own));
                rows.Add([runs.Span[i].Id, chunk.Ids[r], probability, true, reasons]);
            }
            await bulk.WriteAsync(AgentScoreTable, rows, ct);
            scored.Span[i] = rows.Count;
            eligible.Span[i] = rows.Count(x => x[3] is true);
        }
        await bulk.CommitAsync(ct);
    }

    /// <summary>A score to write: the customer (or contract and its holder), the probability, whether eligible, the reasons' JSON.</summary>
    private readonly record struct ScoreRow(long Id, long CustomerId, double Score, bool Eligible, string Reasons);

    private static (double Probability, string Reasons) Score(IClassifier classifier, ReadOnlySpan<double> row)
    {
        var explanation = classifier.Explain(row);
        return (explanation.Probability, ReasonsJson(explanation.Top(Reasons)));
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_reasons;

    [ThreadStatic]
    private static Utf8JsonWriter? t_reasonsWriter;

    /// <summary>
    /// The reasons as <see cref="ReadReasons"/> reads them: exactly what serialising them as <see cref="ScoreReason"/>s gives
    /// (the serialiser's own writer and encoder, the effect rounded to 4 places), written directly, since a book's worth of
    /// scores is millions of them. One buffer per thread.
    /// </summary>
    internal static string ReasonsJson(IReadOnlyList<Contribution> top)
    {
        var buffer = t_reasons ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_reasonsWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartArray();
        foreach (var c in top)
        {
            writer.WriteStartObject();
            writer.WriteString("feature", c.Name);
            writer.WriteString("value", c.Value);
            writer.WriteNumber("effect", Math.Round(c.Amount, 4));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads stored reasons (see <see cref="CustomerModelScore.Reasons"/>).</summary>
    public static IReadOnlyList<ScoreReason> ReadReasons(string json) => JsonSerializer.Deserialize<List<ScoreReason>>(json, Json) ?? [];

    private async Task FinishAsync(ModelScoreRun[] runs, int[] scored, SkipCounts[] skips, ModelScoreRunStatus status)
    {
        await using var ctx = database.CreateContext();
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i].Status = status;
            runs[i].Scored = scored[i];
            runs[i].Skipped = skips[i].Total;
            runs[i].SkipReasons = skips[i].ToJson();
            runs[i].FinishedAt = time.GetUtcNow().UtcDateTime;
            ctx.Attach(runs[i]).State = EntityState.Modified;
        }
        await ctx.SaveChangesAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} v{Version}: score run {RunId} wrote {Scored} rows ({Subject}), {Skipped} skipped")]
    private static partial void LogScored(ILogger logger, string name, int version, long runId, int scored, ModelSubject subject, int skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model scoring: {Subject} {Id} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string subject, long id, string reason);
}
