using System.Text;
using System.Text.Json;
using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Common;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Models;

/// <summary>
/// A point-in-time training set: one row per member of the model's population at the cutoff. <see cref="CustomerIds"/>
/// holds the key each row is held out by: the customer (for a contract row its holder, so one customer's contracts
/// stay on one side), or the agent for agent models; <see cref="RowIds"/> the row's own id (customer, contract or agent).
/// </summary>
public sealed record TrainingSet(InsurerModel Model, DateOnly Cutoff, long[] CustomerIds, Table Data, bool[] Labels)
{
    public int Positives => Labels.Count(l => l);

    /// <summary>The row's customer, contract or agent id (the same as <see cref="CustomerIds"/> for customer models).</summary>
    public long[] RowIds { get; init; } = CustomerIds;
}

/// <summary>What <see cref="InsurerModelTrainer.BuildAsync"/> asks for.</summary>
/// <param name="Name">A model of <see cref="InsurerModels.All"/>.</param>
/// <param name="Cutoff">Features as of this day; labels in the 3 months after it (which must have passed).</param>
/// <param name="Algorithm">Learner name (<see cref="InsurerModels.Algorithms"/>); default logistic regression.</param>
/// <param name="TrainedBy">The account that trains it.</param>
public sealed record ModelBuildRequest(string Name, DateOnly Cutoff, string? Algorithm, string TrainedBy);

/// <summary>
/// Builds the training set of a model as of a cutoff (features from data dated up to the cutoff, labels in
/// the window after it), trains the learner on the customers not held out, measures it on those held out,
/// and registers the result as a challenger.
/// </summary>
public sealed partial class InsurerModelTrainer(CrmDatabase database, InsurerModelOptions options, ModelRegistry registry, TimeProvider time,
    ILogger<InsurerModelTrainer> logger)
{
    private const ulong SampleSalt = 0x5A3C_11E7_0000_0001UL;
    private const ulong HoldOutSalt = 0x0DD5_7E57_0000_0002UL;

    /// <summary>Members of <paramref name="model"/>'s population at <paramref name="cutoff"/>, their features and labels.</summary>
    public async Task<TrainingSet> BuildTrainingSetAsync(InsurerModel model, DateOnly cutoff, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Subject switch
        {
            ModelSubject.Contract => await ContractSetAsync(model, cutoff, ct),
            ModelSubject.Agent => await AgentSetAsync(model, cutoff, ct),
            _ => await CustomerSetAsync(model, cutoff, ct),
        };
    }

    private async Task<TrainingSet> CustomerSetAsync(InsurerModel model, DateOnly cutoff, CancellationToken ct)
    {
        var m = IndexOf(model);
        var ranges = await CustomerChunks.RangesAsync(database, options.ChunkSize, ct);
        var live = ranges.Sum(r => r.Count);
        // Sample a large book by id hash: every chunk keeps the same share, so memory is bounded by MaxTrainingRows.
        var keep = Math.Min(1.0, options.MaxTrainingRows / (double)Math.Max(1, live));
        Dictionary<long, DateOnly> terminations;
        await using (var ctx = database.CreateContext())
        {
            terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, ct);
        }
        var parts = new (long[] Ids, double[][] Columns, bool[] Labels)[ranges.Count];
        var skipped = 0;
        await Parallel.ForEachAsync(ranges, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (range, token) =>
        {
            await using var ctx = database.CreateContext();
            var chunk = await InsurerFeatures.ComputeAsync(ctx, range.From, range.To, cutoff, withLabels: true, terminations, token);
            Interlocked.Add(ref skipped, chunk.Skipped.Count);
            var rows = Enumerable.Range(0, chunk.Rows).Where(r => chunk.Eligible[m][r] && (keep >= 1 || CustomerChunks.Hash(chunk.CustomerIds[r], SampleSalt) < keep)).ToArray();
            parts[range.Index] = ([.. rows.Select(r => chunk.CustomerIds[r])],
                [.. chunk.Columns.Select(col => rows.Select(r => col[r]).ToArray())],
                [.. rows.Select(r => chunk.Labels[m][r])]);
        });
        var ids = parts.SelectMany(p => p.Ids).ToArray();
        var columns = Enumerable.Range(0, InsurerFeatures.Features.Count).Select(j => parts.SelectMany(p => p.Columns[j]).ToArray()).ToArray();
        var labels = parts.SelectMany(p => p.Labels).ToArray();
        LogLeftOut(logger, model.Name, skipped);
        return new TrainingSet(model, cutoff, ids, new Table(InsurerFeatures.Features, columns), labels);
    }

    /// <summary>Contracts of the population at the cutoff, a chunk of customers at a time; sampled by a hash of the holder.</summary>
    private async Task<TrainingSet> ContractSetAsync(InsurerModel model, DateOnly cutoff, CancellationToken ct)
    {
        var ranges = await CustomerChunks.RangesAsync(database, options.ChunkSize, ct);
        var live = ranges.Sum(r => r.Count);
        var keep = Math.Min(1.0, options.MaxTrainingRows / (double)Math.Max(1, live));
        Dictionary<long, DateOnly> terminations;
        await using (var ctx = database.CreateContext())
        {
            terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, ct);
        }
        var parts = new SubjectChunk[ranges.Count];
        var skipped = 0;
        await Parallel.ForEachAsync(ranges, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (range, token) =>
        {
            await using var ctx = database.CreateContext();
            var customers = await InsurerFeatures.ComputeAsync(ctx, range.From, range.To, cutoff, withLabels: true, terminations, token);
            Interlocked.Add(ref skipped, customers.Skipped.Count);
            var chunk = ContractFeatures.From(customers, cutoff);
            parts[range.Index] = Select(chunk, r => chunk.Eligible[0][r] && (keep >= 1 || CustomerChunks.Hash(chunk.SplitKeys[r], SampleSalt) < keep));
        });
        LogLeftOut(logger, model.Name, skipped);
        return Combine(model, cutoff, parts);
    }

    /// <summary>Agents of the population: for <c>agent-dropout</c> stacked monthly snapshots ending at the cutoff, for <c>recruiting</c> the hires before it.</summary>
    private async Task<TrainingSet> AgentSetAsync(InsurerModel model, DateOnly cutoff, CancellationToken ct)
    {
        AgentHistory history;
        await using (var ctx = database.CreateContext())
        {
            history = await AgentHistory.LoadAsync(ctx, AgentFeatures.HiredFrom(model, cutoff, training: true), cutoff, ct);
        }
        LogLeftOut(logger, model.Name, history.Skipped.Count);
        var snapshots = model.Name == InsurerModels.AgentDropout.Name ? AgentFeatures.DropoutSnapshots : 1;
        var parts = Enumerable.Range(0, snapshots).Select(k => AgentFeatures.Compute(history, model, cutoff.AddMonths(-k), withLabels: true)).ToArray();
        return Combine(model, cutoff, parts);
    }

    private static SubjectChunk Select(SubjectChunk chunk, Func<int, bool> keep)
    {
        var rows = Enumerable.Range(0, chunk.Rows).Where(keep).ToArray();
        return new SubjectChunk
        {
            Ids = [.. rows.Select(r => chunk.Ids[r])],
            SplitKeys = [.. rows.Select(r => chunk.SplitKeys[r])],
            Columns = [.. chunk.Columns.Select(col => rows.Select(r => col[r]).ToArray())],
            Eligible = [[.. rows.Select(_ => true)]],
            Labels = [[.. rows.Select(r => chunk.Labels[0][r])]],
        };
    }

    private static TrainingSet Combine(InsurerModel model, DateOnly cutoff, SubjectChunk[] parts)
    {
        var features = model.Features;
        var columns = Enumerable.Range(0, features.Count).Select(j => parts.SelectMany(p => p.Columns[j]).ToArray()).ToArray();
        return new TrainingSet(model, cutoff, [.. parts.SelectMany(p => p.SplitKeys)], new Table(features, columns), [.. parts.SelectMany(p => p.Labels[0])])
        {
            RowIds = [.. parts.SelectMany(p => p.Ids)],
        };
    }

    /// <summary>Whether a customer is held out of training (a stable hash of the id; the same split for every model and cutoff).</summary>
    public bool IsHeldOut(long customerId) => CustomerChunks.Hash(customerId, HoldOutSalt) < options.TestShare;

    /// <summary>Trains, measures and registers a challenger; the cutoff's label window must have ended by today.</summary>
    /// <exception cref="ArgumentException">Unknown model or algorithm, a window that has not ended, or a population without both outcomes.</exception>
    public async Task<ModelVersion> BuildAsync(ModelBuildRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = InsurerModels.Find(request.Name) ?? throw new ArgumentException($"Unknown model '{request.Name}'; known: {string.Join(", ", InsurerModels.All.Select(x => x.Name))}.", nameof(request));
        if (model.Subject == ModelSubject.Agent && request.Cutoff.AddMonths(model.LabelMonths) > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
        {
            throw new ArgumentException($"The {model.Name} labels need {model.LabelMonths} months after the cutoff; choose a cutoff at least {model.LabelMonths} months before the end of the data.", nameof(request));
        }
        var learner = InsurerModels.Learner(request.Algorithm)
            ?? throw new ArgumentException($"Unknown algorithm '{request.Algorithm}'; known: {string.Join(", ", InsurerModels.Algorithms)}.", nameof(request));
        var set = await BuildTrainingSetAsync(model, request.Cutoff, ct);
        var train = new List<int>();
        var test = new List<int>();
        for (var i = 0; i < set.CustomerIds.Length; i++)
        {
            (IsHeldOut(set.CustomerIds[i]) ? test : train).Add(i);
        }
        var trainLabels = train.Select(i => set.Labels[i]).ToArray();
        var testLabels = test.Select(i => set.Labels[i]).ToArray();
        // Fewer than 10 held-out rows cannot be measured (no top decile), and a NaN metric cannot be stored on SQLite.
        if (testLabels.Length < 10 || !trainLabels.Contains(true) || !trainLabels.Contains(false) || !testLabels.Contains(true) || !testLabels.Contains(false))
        {
            throw new ArgumentException($"The {model.Name} population at {request.Cutoff:yyyy-MM-dd} needs rows with and without the event in both the training and the held-out part (at least 10 held out) "
                + $"({set.CustomerIds.Length} {model.Subject.ToString().ToLowerInvariant()} rows, {set.Positives} with the event); choose a cutoff whose {model.LabelMonths}-month window lies in the data.", nameof(request));
        }
        var classifier = learner.Fit(set.Data.Take([.. train]), trainLabels);
        var scores = classifier.PredictAll(set.Data.Take([.. test]));
        var version = new ModelVersion
        {
            Name = model.Name,
            Algorithm = classifier.Algorithm,
            Cutoff = request.Cutoff,
            WindowMonths = model.LabelMonths,
            Features = JsonSerializer.Serialize(model.Features.Select(f => f.Name)),
            TrainRows = train.Count,
            TestRows = test.Count,
            PositiveRate = set.Positives / (double)set.CustomerIds.Length,
            Auc = Metrics.RocAuc(scores, testLabels),
            LogLoss = Metrics.LogLoss(scores, testLabels),
            TopDecileLift = Metrics.LiftTable(scores, testLabels)[0].Lift,
            Artifact = Serialize(classifier),
            Status = ModelStatus.Challenger,
            TrainedBy = request.TrainedBy,
            TrainedAt = time.GetUtcNow().UtcDateTime,
        };
        await registry.AddAsync(version, ct);
        LogBuilt(logger, model.Name, version.Version, version.Auc, train.Count, test.Count);
        return version;
    }

    /// <summary>The model's index among <see cref="InsurerModels.Customer"/> (the chunk's population and label arrays).</summary>
    internal static int IndexOf(InsurerModel model)
    {
        for (var i = 0; i < InsurerModels.Customer.Count; i++)
        {
            if (InsurerModels.Customer[i].Name == model.Name)
            {
                return i;
            }
        }
        throw new ArgumentException($"Unknown model '{model.Name}'.", nameof(model));
    }

    internal static string Serialize(IClassifier classifier)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(classifier, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} training set: {Skipped} customers or agents left out (stored values out of range; a score run logs their ids)")]
    private static partial void LogLeftOut(ILogger logger, string name, int skipped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} v{Version} trained: held-out AUC {Auc:F3} ({Train} train, {Test} test rows)")]
    private static partial void LogBuilt(ILogger logger, string name, int version, double auc, int train, int test);
}
