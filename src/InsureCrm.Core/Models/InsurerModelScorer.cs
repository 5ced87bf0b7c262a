using System.Text.Json;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Models;

/// <summary>One reason behind a score: a feature key, the customer's value of it, and how far it moved the score (log-odds for logistic models).</summary>
public sealed record ScoreReason(string Feature, string Value, double Effect);

/// <summary>One champion scored in a run.</summary>
public sealed record ModelScoreRunSummary(string Name, int Version, long RunId, int Scored, int Eligible);

/// <summary>
/// Scores every live customer with every champion as of a date: features are computed once per chunk of
/// customers (chunks side by side) and scored by each champion; each champion's rows go to its own run
/// (one per model version and date; a rerun for the same date replaces it). Customers outside a model's
/// population get an ineligible row with score 0.
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
        var models = champions.Select(c => (Version: c, Classifier: ModelRegistry.Load(c), Index: InsurerModelTrainer.IndexOf(InsurerModels.Find(c.Name)!))).ToList();
        foreach (var m in models)
        {
            if (!m.Classifier.Features.Select(f => f.Name).SequenceEqual(InsurerFeatures.Features.Select(f => f.Name)))
            {
                throw new InvalidOperationException($"Champion {m.Version.Name} v{m.Version.Version} was trained on other features than this version computes; train and approve a new version.");
            }
        }
        var runs = new ModelScoreRun[models.Count];
        Dictionary<long, DateOnly> terminations;
        await using (var ctx = database.CreateContext())
        {
            var versionIds = models.Select(m => m.Version.Id).ToList();
            await ctx.Set<ModelScoreRun>().Where(r => versionIds.Contains(r.ModelVersionId) && r.RunDate == asOf).ExecuteDeleteAsync(ct);
            for (var i = 0; i < models.Count; i++)
            {
                runs[i] = new ModelScoreRun { ModelVersionId = models[i].Version.Id, RunDate = asOf, StartedAt = time.GetUtcNow().UtcDateTime, Status = ModelScoreRunStatus.Running };
                ctx.Add(runs[i]);
            }
            await ctx.SaveChangesAsync(ct);
            terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, ct);
        }
        var ranges = await CustomerChunks.RangesAsync(database, options.ChunkSize, ct);
        var scored = new int[models.Count];
        var eligible = new int[models.Count];
        var done = 0;
        using var writeGate = new SemaphoreSlim(1, 1);
        try
        {
            await Parallel.ForEachAsync(ranges, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (range, token) =>
            {
                FeatureChunk chunk;
                await using (var ctx = database.CreateContext())
                {
                    chunk = await InsurerFeatures.ComputeAsync(ctx, range.From, range.To, asOf, withLabels: false, terminations, token);
                }
                var rows = new List<object?[]>[models.Count];
                var row = new double[InsurerFeatures.Features.Count];
                for (var i = 0; i < models.Count; i++)
                {
                    rows[i] = new List<object?[]>(chunk.Rows);
                }
                for (var r = 0; r < chunk.Rows; r++)
                {
                    chunk.CopyRow(r, row);
                    for (var i = 0; i < models.Count; i++)
                    {
                        var (_, classifier, index) = models[i];
                        if (!chunk.Eligible[index][r])
                        {
                            rows[i].Add([runs[i].Id, chunk.CustomerIds[r], 0.0, false, "[]"]);
                            continue;
                        }
                        var explanation = classifier.Explain(row);
                        var reasons = explanation.Top(Reasons).Select(c => new ScoreReason(c.Name, c.Value, Math.Round(c.Amount, 4)));
                        rows[i].Add([runs[i].Id, chunk.CustomerIds[r], explanation.Probability, true, JsonSerializer.Serialize(reasons, Json)]);
                    }
                }
                // SQLite has one writer; PostgreSQL would take more, but the write is the small part of a chunk.
                await writeGate.WaitAsync(token);
                try
                {
                    await using var bulk = await BulkWriter.BeginAsync(database, token);
                    for (var i = 0; i < models.Count; i++)
                    {
                        await bulk.WriteAsync(ScoreTable, rows[i], token);
                        scored[i] += rows[i].Count;
                        eligible[i] += rows[i].Count(x => x[3] is true);
                    }
                    await bulk.CommitAsync(token);
                    progress?.Report((++done, ranges.Count));
                }
                finally
                {
                    writeGate.Release();
                }
            });
        }
        catch
        {
            await FinishAsync(runs, scored, ModelScoreRunStatus.Failed);
            throw;
        }
        await FinishAsync(runs, scored, ModelScoreRunStatus.Completed);
        var summaries = models.Select((m, i) => new ModelScoreRunSummary(m.Version.Name, m.Version.Version, runs[i].Id, scored[i], eligible[i])).ToList();
        foreach (var s in summaries)
        {
            LogScored(logger, s.Name, s.Version, s.RunId, s.Scored);
        }
        return summaries;
    }

    /// <summary>Reads stored reasons (see <see cref="CustomerModelScore.Reasons"/>).</summary>
    public static IReadOnlyList<ScoreReason> ReadReasons(string json) => JsonSerializer.Deserialize<List<ScoreReason>>(json, Json) ?? [];

    private async Task FinishAsync(ModelScoreRun[] runs, int[] scored, ModelScoreRunStatus status)
    {
        await using var ctx = database.CreateContext();
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i].Status = status;
            runs[i].Scored = scored[i];
            runs[i].FinishedAt = time.GetUtcNow().UtcDateTime;
            ctx.Attach(runs[i]).State = EntityState.Modified;
        }
        await ctx.SaveChangesAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} v{Version}: score run {RunId} wrote {Scored} customers")]
    private static partial void LogScored(ILogger logger, string name, int version, long runId, int scored);
}
