using System.Diagnostics;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Voc.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Voc;

/// <summary>
/// One training of the VOC classifier: the model (<see cref="VocClassifier"/> JSON), when and by whom, on how many confirmed
/// cases, and the accuracy measured on a held-out part of them beside the majority class and the keyword rules. The newest
/// row is the model intake uses. Its own table rather than the model registry's: the registry's versions are binary
/// outcomes with AUC, lift and a champion approval; this one is two multi-class labels retrained from staff corrections.
/// </summary>
public sealed class VocClassifierModel
{
    public long Id { get; set; }
    public DateTime TrainedAt { get; set; }
    public string TrainedBy { get; set; } = "";
    /// <summary>Confirmed cases the stored model learned from (all of them).</summary>
    public int Cases { get; set; }
    /// <summary>Cases held out to measure the accuracies (the evaluation model learned from the rest).</summary>
    public int TestCases { get; set; }
    public double TypeAccuracy { get; set; }
    public double CategoryAccuracy { get; set; }
    public double MajorityTypeAccuracy { get; set; }
    public double MajorityCategoryAccuracy { get; set; }
    public double KeywordTypeAccuracy { get; set; }
    public double KeywordCategoryAccuracy { get; set; }
    public string ModelJson { get; set; } = "";
}

internal sealed class VocClassifierModelConfiguration : IEntityTypeConfiguration<VocClassifierModel>
{
    public void Configure(EntityTypeBuilder<VocClassifierModel> b)
    {
        b.Property(p => p.TrainedBy).HasMaxLength(100);
        b.Property(p => p.ModelJson).HasMaxLength(10_000_000);
    }
}

public static class VocLearningSets
{
    extension(CrmDbContext db)
    {
        public DbSet<VocClassifierModel> VocClassifierModels => db.Set<VocClassifierModel>();
    }
}

/// <summary>
/// The current classifier, loaded once per model version and shared (the model is read-only and safe across threads): each
/// intake asks the database for the newest model id, one indexed lookup, and parses the JSON only when it changed.
/// </summary>
public sealed class VocClassifierCache
{
    private readonly Lock _gate = new();
    private (long Id, VocClassifier Model)? _current;

    internal async Task<(long Id, VocClassifier Model)?> CurrentAsync(CrmDbContext db, CancellationToken ct)
    {
        var newest = await db.VocClassifierModels.AsNoTracking().OrderByDescending(m => m.Id).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
        if (newest is not { } id)
        {
            return null;
        }
        lock (_gate)
        {
            if (_current is { } c && c.Id == id)
            {
                return c;
            }
        }
        var json = await db.VocClassifierModels.AsNoTracking().Where(m => m.Id == id).Select(m => m.ModelJson).SingleAsync(ct);
        var loaded = (id, VocClassifier.FromJson(json));
        lock (_gate)
        {
            _current = loaded;
        }
        return loaded;
    }
}

/// <summary>
/// What <c>voc classifier time</c> measured: the first suggestion's wait, which loads the stored model, and then each case's wait
/// for its suggestion, in milliseconds.
/// </summary>
internal sealed record VocSuggestionTiming(long ModelId, double FirstMilliseconds, IReadOnlyList<double> Milliseconds)
{
    /// <summary>The nearest-rank percentile (0 to 100) of the per-case times.</summary>
    public double Percentile(double p)
    {
        var sorted = Milliseconds.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"Model {ModelId}: first suggestion (the model loaded) {FirstMilliseconds:0.0} ms; then {Milliseconds.Count:N0} cases, each the newest model's id looked up and the text classified: p50 {Percentile(50):0.00} ms, p99 {Percentile(99):0.00} ms, max {(Milliseconds.Count == 0 ? 0 : Milliseconds.Max()):0.00} ms.");
}

/// <summary>What <c>voc classifier train|evaluate</c> report: the held-out evaluation and, when stored, the model's id.</summary>
internal sealed record VocTrainingResult(int Cases, VocClassifierReport? Evaluation, long? ModelId, string? Refusal);

/// <summary>
/// Learning from the cases staff classified: the confirmed cases (type and category set by a person or the channel, not
/// taken from a suggestion), the held-out evaluation, training and storing the model, and whether enough new confirmations
/// came in since the last model to retrain (the nightly step).
/// </summary>
internal sealed class VocLearning(CrmDbContext db, VocOptions options, TimeProvider time)
{
    public const int Seed = 16;

    /// <summary>The model's label of a type: the lower-case name, as <see cref="VocLabels"/> writes them.</summary>
    public static string Label(VocType type) => type.ToString().ToLowerInvariant();

    public static VocType? TypeOf(string label) =>
        Enum.TryParse<VocType>(label, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t : null;

    /// <summary>Cases whose type and category a person (or the channel) set: what the classifier learns from.</summary>
    public async Task<List<VocLabelledText>> ConfirmedAsync(CancellationToken ct)
    {
        var rows = await db.VocCases.AsNoTracking()
            .Where(c => c.Type != null && c.CategoryCode != null && !c.ClassificationSuggested)
            .OrderBy(c => c.Id)
            .Select(c => new { c.Subject, c.Text, c.Type, c.CategoryCode }).ToListAsync(ct);
        return rows.Select(r => new VocLabelledText(VocClassifier.Compose(r.Subject, r.Text), Label(r.Type!.Value), r.CategoryCode!)).ToList();
    }

    /// <summary>The held-out evaluation on the confirmed cases, nothing stored.</summary>
    public async Task<VocTrainingResult> EvaluateAsync(int seed, CancellationToken ct)
    {
        var cases = await ConfirmedAsync(ct);
        return Evaluate(cases, seed) is { } report ? new(cases.Count, report, null, null) : new(cases.Count, null, null, TooFew(cases.Count));
    }

    /// <summary>Evaluates on a held-out split, then trains on every confirmed case and stores the model (the one intake uses from now).</summary>
    public async Task<VocTrainingResult> TrainAsync(string by, int seed, CancellationToken ct)
    {
        var cases = await ConfirmedAsync(ct);
        if (Evaluate(cases, seed) is not { } report)
        {
            return new(cases.Count, null, null, TooFew(cases.Count));
        }
        var model = new VocClassifierModel
        {
            TrainedAt = time.GetUtcNow().UtcDateTime, TrainedBy = by, Cases = cases.Count, TestCases = report.TestCases,
            TypeAccuracy = report.TypeAccuracy, CategoryAccuracy = report.CategoryAccuracy,
            MajorityTypeAccuracy = report.MajorityTypeAccuracy, MajorityCategoryAccuracy = report.MajorityCategoryAccuracy,
            KeywordTypeAccuracy = report.KeywordTypeAccuracy, KeywordCategoryAccuracy = report.KeywordCategoryAccuracy,
            ModelJson = VocClassifier.Train(cases).ToJson(),
        };
        db.VocClassifierModels.Add(model);
        await db.SaveChangesAsync(ct);
        return new(cases.Count, report, model.Id, null);
    }

    /// <summary>
    /// How long a new case waits for its suggestion, asked the way intake asks (<see cref="VocClassifierCache"/>: the newest model's
    /// id looked up, the model parsed when it changed, then the case's subject and text classified), over the texts of the
    /// <paramref name="cases"/> newest cases: the first (which loads the model) apart, then each. Null without a stored model.
    /// </summary>
    public async Task<VocSuggestionTiming?> TimeSuggestionsAsync(VocClassifierCache cache, int cases, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var texts = await db.VocCases.AsNoTracking().OrderByDescending(c => c.Id).Take(cases).Select(c => new { c.Subject, c.Text }).ToListAsync(ct);
        var watch = Stopwatch.StartNew();
        if (await cache.CurrentAsync(db, ct) is not { } first)
        {
            return null;
        }
        _ = first.Model.Suggest(texts.Count == 0 ? "" : VocClassifier.Compose(texts[0].Subject, texts[0].Text));
        var firstMs = watch.Elapsed.TotalMilliseconds;
        var times = new List<double>(texts.Count);
        foreach (var t in texts)
        {
            watch.Restart();
            var current = await cache.CurrentAsync(db, ct);
            _ = current!.Value.Model.Suggest(VocClassifier.Compose(t.Subject, t.Text));
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new VocSuggestionTiming(first.Id, firstMs, times);
    }

    private VocClassifierReport? Evaluate(List<VocLabelledText> cases, int seed) =>
        cases.Count < options.MinTrainingCases ? null : VocClassifierEvaluation.Evaluate(cases, seed);

    private string TooFew(int count) => string.Create(CultureInfo.InvariantCulture,
        $"{count} confirmed cases; the classifier needs at least {options.MinTrainingCases} (Voc:MinTrainingCases).");

    /// <summary>
    /// Confirmations since the newest model: cases confirmed beyond the count it learned from, plus every classification a person
    /// made (a confirmation or a correction) after it was trained. Null when there is no model yet.
    /// </summary>
    public async Task<int?> NewConfirmationsAsync(CancellationToken ct)
    {
        var latest = await db.VocClassifierModels.AsNoTracking().OrderByDescending(m => m.Id)
            .Select(m => new { m.TrainedAt, m.Cases }).FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            return null;
        }
        var confirmed = await db.VocCases.CountAsync(c => c.Type != null && c.CategoryCode != null && !c.ClassificationSuggested, ct);
        var classified = await db.VocEvents.CountAsync(e => e.Kind == VocEventKind.Classified && e.At > latest.TrainedAt, ct);
        return Math.Max(0, confirmed - latest.Cases) + classified;
    }

    /// <summary>Trains when there is no model yet or <see cref="VocOptions.RetrainAfter"/> confirmations came in since the last; else says why not.</summary>
    public async Task<VocTrainingResult> RetrainIfDueAsync(string by, CancellationToken ct)
    {
        var fresh = await NewConfirmationsAsync(ct);
        if (fresh is { } n && n < options.RetrainAfter)
        {
            return new(0, null, null, string.Create(CultureInfo.InvariantCulture,
                $"{n} cases confirmed or corrected since the last model; retraining after {options.RetrainAfter} (Voc:RetrainAfter)."));
        }
        return await TrainAsync(by, Seed, ct);
    }

    public static string Describe(VocClassifierReport r) => string.Create(CultureInfo.InvariantCulture,
        $"""
        Held out {r.TestCases:N0} of {r.TrainCases + r.TestCases:N0} confirmed cases (stratified by category, seed {Seed}):
          type      classifier {r.TypeAccuracy:P1}   majority class {r.MajorityTypeAccuracy:P1}   keyword rules {r.KeywordTypeAccuracy:P1}   classifier's mean confidence {r.TypeMeanConfidence:P1}
          category  classifier {r.CategoryAccuracy:P1}   majority class {r.MajorityCategoryAccuracy:P1}   keyword rules {r.KeywordCategoryAccuracy:P1}   classifier's mean confidence {r.CategoryMeanConfidence:P1}
        """);
}

/// <summary>The nightly chain's classifier step (after the SLA run): retrains when enough cases were confirmed or corrected.</summary>
internal sealed class VocLearnStep(IServiceScopeFactory scopes) : INightlyStep
{
    public string Name => "voc-learn";

    public int Order => 665;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        _ = asOf;
        await using var scope = scopes.CreateAsyncScope();
        var r = await scope.ServiceProvider.GetRequiredService<VocLearning>().RetrainIfDueAsync("system:nightly", ct);
        return new NightlyStepResult([r.Evaluation is { } e
            ? string.Create(CultureInfo.InvariantCulture, $"VOC classifier retrained on {r.Cases:N0} cases (model {r.ModelId}): type {e.TypeAccuracy:P1}, category {e.CategoryAccuracy:P1} held out.")
            : "VOC classifier not retrained: " + r.Refusal]);
    }
}

/// <summary>
/// How intake and the demo ask <see cref="VocRepeatMatcher"/> about a case: the customer id as the key, the contract id, the
/// category set (else the suggested one), subject and text, the time received; the window and threshold from the options.
/// </summary>
internal static class VocRepeats
{
    public static VocRepeatMatcher Matcher(VocOptions options) =>
        new(new VocRepeatOptions(WithinDays: options.RepeatDays, Threshold: options.RepeatThreshold));

    public static VocRepeatCase Of(string id, long customerId, long? contractId, string? category, string? subject, string text, DateTime receivedUtc) =>
        new(id, customerId.ToString(CultureInfo.InvariantCulture), contractId?.ToString(CultureInfo.InvariantCulture), category ?? "",
            VocClassifier.Compose(subject, text), new DateTimeOffset(DateTime.SpecifyKind(receivedUtc, DateTimeKind.Utc)));
}
