using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using InsureCrm.Analytics.Learning;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Models;

public enum WorkbenchState { Uploaded, Queued, Training, Done, Failed }

/// <summary>A column's use as the person chose it on the form. (The workbench records are public only because page components take them as parameters.)</summary>
public enum ColumnChoice { Auto, Categorical, Numeric, Ignore }

/// <summary>What the person chose on the training form.</summary>
/// <param name="Target">The column to predict.</param>
/// <param name="Id">The id column, if any.</param>
/// <param name="Positive">The positive target value, if given.</param>
/// <param name="Algorithm">auto or a learner's name.</param>
/// <param name="Budget">Work units auto may plan.</param>
/// <param name="Seed">Seed of the split, the folds and the learners.</param>
/// <param name="Validation">Share of rows held out.</param>
/// <param name="Columns">Each column's use as chosen (those left on auto are absent).</param>
/// <param name="SelectBy">What auto ranks by: auc, logloss or hits@N (<see cref="SelectionMeasure.Name"/>).</param>
public sealed record TrainChoices(string Target, string? Id, string? Positive, string Algorithm, double Budget, int Seed, double Validation,
    IReadOnlyDictionary<string, ColumnChoice> Columns, string SelectBy = "auc");

/// <summary>
/// One piece of work in the workbench: an uploaded file, its columns, the training asked for and its outcome. It lives
/// as <c>work.json</c> in its own directory beside the data and the model, never in the database: the files are the
/// person's own and are deleted after training or after <see cref="WorkbenchOptions.RetainHours"/>.
/// </summary>
public sealed record WorkbenchWork
{
    public required string Id { get; init; }
    public required string Owner { get; init; }
    /// <summary>File name as uploaded (shown to its owner only; never logged).</summary>
    public required string Source { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public WorkbenchState State { get; init; }
    /// <summary>Why the file or the training failed, as the reader says it (line and column).</summary>
    public string? Error { get; init; }
    /// <summary>A failure the page says in the person's language (a key of the strings, e.g. <c>workbench.error.tooLarge</c>).</summary>
    public string? ErrorKey { get; init; }
    /// <summary>What training is doing now (read, cross-validating a candidate, refitting).</summary>
    public string? Stage { get; init; }
    public CsvInspection? Inspection { get; init; }
    public TrainChoices? Choices { get; init; }
    /// <summary>Calibration of the held-out probabilities (quantile bins); the other metrics are in the model file.</summary>
    public IReadOnlyList<CalibrationBin> Calibration { get; init; } = [];
    /// <summary>Rows read for training, positives among them (for the summary line).</summary>
    public int Rows { get; init; }
    public int Positives { get; init; }
}

/// <summary>The workbench's directories: one per upload, named by an unguessable id, readable by its owner only.</summary>
internal sealed partial class WorkbenchStore(IOptions<WorkbenchOptions> options, TimeProvider time)
{
    private const string WorkFile = "work.json";
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() }, WriteIndented = false };

    private readonly Lock _gate = new();

    public WorkbenchOptions Options => options.Value;

    public string Root => options.Value.Root;

    public string DataPath(string id) => Path.Combine(Directory(id), "data.csv");

    public string ModelPath(string id) => Path.Combine(Directory(id), "model.json");

    /// <summary>A new, empty piece of work for <paramref name="owner"/>; old work of anyone is swept first.</summary>
    public WorkbenchWork Create(string owner, string source)
    {
        Sweep();
        var id = Guid.NewGuid().ToString("N");
        System.IO.Directory.CreateDirectory(Directory(id));
        var work = new WorkbenchWork { Id = id, Owner = owner, Source = Path.GetFileName(source), CreatedAt = time.GetUtcNow() };
        Save(work);
        return work;
    }

    /// <summary>The work <paramref name="id"/> if it exists and belongs to <paramref name="owner"/>; anyone else's is as unknown as a missing one.</summary>
    public WorkbenchWork? Find(string? id, string? owner)
    {
        if (id is null || owner is null || !IdPattern().IsMatch(id))
        {
            return null;
        }
        var path = Path.Combine(Directory(id), WorkFile);
        try
        {
            lock (_gate)
            {
                var work = JsonSerializer.Deserialize<WorkbenchWork>(File.ReadAllBytes(path), Json);
                return work is not null && string.Equals(work.Owner, owner, StringComparison.Ordinal) ? work : null;
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="work"/> atomically (temporary file, then a move), so a reader never sees half of it.</summary>
    public void Save(WorkbenchWork work)
    {
        var dir = Directory(work.Id);
        if (!System.IO.Directory.Exists(dir))
        {
            return;
        }
        lock (_gate)
        {
            var temp = Path.Combine(dir, WorkFile + ".tmp");
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(work, Json));
            File.Move(temp, Path.Combine(dir, WorkFile), overwrite: true);
        }
    }

    public void DeleteData(string id) => TryDelete(() => File.Delete(DataPath(id)));

    public void Delete(string id) => TryDelete(() => System.IO.Directory.Delete(Directory(id), recursive: true));

    /// <summary>Deletes work older than the retention, whatever its state; also temporary score files left by a crash.</summary>
    public void Sweep()
    {
        if (!System.IO.Directory.Exists(Root))
        {
            return;
        }
        var limit = time.GetUtcNow().AddHours(-options.Value.RetainHours);
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Root))
        {
            if (!IdPattern().IsMatch(Path.GetFileName(dir)))
            {
                continue;
            }
            DateTimeOffset created;
            try
            {
                // The work's own time (the injected clock), not the file system's.
                created = JsonSerializer.Deserialize<WorkbenchWork>(File.ReadAllBytes(Path.Combine(dir, WorkFile)), Json)?.CreatedAt ?? DateTimeOffset.MinValue;
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                // No readable work file (being created this instant, or left by a crash): judge by the file system's clock.
                created = System.IO.Directory.GetCreationTimeUtc(dir) > DateTime.UtcNow.AddHours(-options.Value.RetainHours) ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue;
            }
            if (created < limit)
            {
                TryDelete(() => System.IO.Directory.Delete(dir, recursive: true));
            }
        }
    }

    private string Directory(string id) => Path.Combine(Root, id);

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone already, or still open by a request finishing: the next sweep takes it.
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex IdPattern();
}
